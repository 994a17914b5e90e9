// `kqlhunt store`: look after the embedded store (what it holds; retention).

import { parseCommandArgs, stringOption, UsageError } from './args.js';
import { EXIT_ERROR, EXIT_OK, type CliIO } from './main.js';

export const STORE_HELP = `Usage: kqlhunt store info [--store DIR]
       kqlhunt store prune --older-than AGE [--store DIR]

info    lists the store's tables: rows, day partitions, time range and bytes on disk.
prune   drops whole day partitions whose day ended more than AGE ago (AGE: 30d, 12h,
        90m). Tables without a time column are kept.

Options:
  --store DIR          the store (default: $KQLHUNT_STORE, else ~/.kqlhunt/store)
  --older-than AGE     for prune: the retention period
  -h, --help           show this help

Exit codes: 0 ok, 1 the store cannot be used (missing, locked by a running ingest), 2 bad usage.
`;

const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

export function parseAge(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([dhms])$/.exec(text.trim());
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]!]!;
}

export async function storeCommand(argv: string[], io: CliIO, now: () => number = Date.now): Promise<number> {
  const args = parseCommandArgs('store', argv, {
    store: { type: 'string' },
    'older-than': { type: 'string' },
  });
  const [action, ...extra] = args.positionals;
  if (args.values['help'] || action === undefined) {
    if (action === undefined && !args.values['help']) throw new UsageError('say what to do: info or prune', 'store');
    io.stdout(STORE_HELP);
    return EXIT_OK;
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`, 'store');
  const { storeDirectory } = await import('../store/location.js');
  const { Store } = await import('../store/store.js');
  const { StoreLockedError } = await import('../store/files.js');
  const { KqlError } = await import('../kql/types.js');
  const dir = storeDirectory(stringOption(args, 'store'));
  try {
    switch (action) {
      case 'info': {
        if (stringOption(args, 'older-than') !== undefined) throw new UsageError('--older-than belongs to prune', 'store');
        const store = Store.open(dir);
        io.stdout(`store: ${store.dir}\n`);
        for (const name of store.tableNames()) {
          const t = store.table(name)!;
          const days = new Set(t.segments.map((s) => s.day));
          const mins = t.segments.map((s) => s.minMs).filter((x): x is number => x !== null);
          const maxs = t.segments.map((s) => s.maxMs).filter((x): x is number => x !== null);
          const range = mins.length === 0 ? 'no times' : `${new Date(Math.min(...mins)).toISOString()} .. ${new Date(Math.max(...maxs)).toISOString()}`;
          const bytes = t.segments.reduce((n, s) => n + s.bytes, 0);
          io.stdout(`  ${name}: ${store.rowCount(name).toLocaleString('en-US')} rows, ${days.size} partition(s), ${range}, ${(bytes / 1e6).toFixed(1)} MB\n`);
        }
        io.stdout(`  sources ingested: ${Object.keys(store.manifest.sources).length}\n`);
        return EXIT_OK;
      }
      case 'prune': {
        const ageText = stringOption(args, 'older-than');
        if (ageText === undefined) throw new UsageError('prune needs --older-than AGE (e.g. 30d)', 'store');
        const age = parseAge(ageText);
        if (age === undefined) throw new UsageError(`--older-than must be a number with d, h, m or s (e.g. 30d); got '${ageText}'`, 'store');
        const store = Store.open(dir);
        const cutoff = now() - age;
        const r = store.prune(cutoff);
        io.stdout(`pruned ${r.partitions} partition(s), ${r.segments} segment(s), ${r.rows.toLocaleString('en-US')} row(s) older than ${new Date(cutoff).toISOString()}\n`);
        return EXIT_OK;
      }
      default:
        throw new UsageError(`unknown action '${action}' (info or prune)`, 'store');
    }
  } catch (e) {
    if (e instanceof StoreLockedError || (e instanceof KqlError && e.code === 'StoreMissing')) {
      io.stderr(`kqlhunt store: error: ${e.message}\n`);
      return EXIT_ERROR;
    }
    throw e;
  }
}
