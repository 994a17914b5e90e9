// The writer's fast path (rows handed over as parser fields, no row objects) stores exactly
// what the row-object path stores: same tables, schemas, partitions, rows and values, the same
// per-source counts, on the parsers' edge-case sample and on real logs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ingest, type IngestOptions } from '../../src/ingest/pipeline.js';
import type { IngestSink } from '../../src/ingest/sink.js';
import type { RowEnricher } from '../../src/ingest/enrich.js';
import { Store } from '../../src/store/store.js';
import type { StoreWriter } from '../../src/store/writer.js';
import { writeSyntheticSample } from '../ingest/synthetic-sample.js';
import { SHARED } from '../util/paths.js';
import { rowsOf, tempDir, ticks } from './helpers.js';

const INGEST_TIME = ticks('2024-06-01T00:00:00Z');

/** The writer seen as a sink without rowFields: the pipeline then makes every row as an object. */
function rowsOnly(w: StoreWriter): IngestSink {
  return {
    row: (t, r, s) => w.row(t, r, s),
    quarantine: (q) => w.quarantine(q),
    schema: (t, c) => w.schema(t, c),
  };
}

/** One source per file, committed as `kqlhunt ingest` commits them; small segments, so rows span several. */
async function run(files: string[], fast: boolean, options: IngestOptions = {}): Promise<{ store: Store; commits: unknown[] }> {
  const store = Store.open(tempDir(), { create: true });
  const commits: unknown[] = [];
  const w = store.writer({ ingestTime: INGEST_TIME, segmentRows: 700 });
  try {
    for (const [i, file] of files.entries()) {
      w.beginSource({ file, sha256: `f${i}`, size: i });
      await ingest([file], fast ? w : rowsOnly(w), { ingestTime: INGEST_TIME, ...options });
      commits.push(w.commitSource());
    }
  } finally {
    w.close();
  }
  return { store, commits };
}

function contents(store: Store): unknown {
  const reopened = Store.open(store.dir);
  return reopened.tableNames().map((name) => {
    const entry = reopened.table(name)!;
    const key = (r: Record<string, unknown>): string => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    return {
      name,
      schema: entry.schema,
      timeColumn: entry.timeColumn,
      days: entry.segments.map((s) => s.day).sort(),
      rows: rowsOf(reopened.scan(name)).map(key).sort(),
    };
  });
}

test('rows handed over as fields are stored exactly as row objects are (edge-case sample and real logs)', async () => {
  const sample = writeSyntheticSample(tempDir('kqlhunt-fields-sample-'), 1500);
  const files = [
    ...sample,
    path.join(SHARED, 'data', 'zeek-btest', 'opt.basic', 'conn.log'),
    path.join(SHARED, 'data', 'zeek-btest', 'core.tunnels.teredo', 'conn.log'),
    path.join(SHARED, 'data', 'zeek-btest', 'scripts.base.protocols.dns.binds', 'dns.log'),
  ];
  const slow = await run(files, false);
  const fast = await run(files, true);
  assert.deepEqual(fast.commits, slow.commits);
  const expected = contents(slow.store);
  assert.ok((expected as unknown[]).length >= 4, 'the sample feeds several tables');
  assert.deepEqual(contents(fast.store), expected);
});

test('an enricher gets row objects for its tables; other tables still take the fields path', async () => {
  const sample = writeSyntheticSample(tempDir('kqlhunt-fields-enrich-'), 300);
  const seen = new Set<string>();
  const marker: RowEnricher = {
    tables: ['CommonSecurityLog'],
    enrich(table, row) {
      seen.add(table);
      row['DeviceCustomString6'] = 'enriched';
    },
  };
  const everywhere: RowEnricher = { enrich(table) { seen.add(`any:${table}`); } };
  const fast = await run(sample, true, { enrichers: [marker] });
  const slow = await run(sample, false, { enrichers: [marker] });
  assert.deepEqual(contents(fast.store), contents(slow.store));
  assert.deepEqual([...seen], ['CommonSecurityLog'], 'an enricher is given rows of its tables only');
  const enriched = rowsOf(Store.open(fast.store.dir).scan('CommonSecurityLog', { columns: ['DeviceCustomString6'] }));
  assert.ok(enriched.length > 0);
  assert.deepEqual(enriched.filter((r) => r['DeviceCustomString6'] !== 'enriched'), []);
  // An enricher that does not say which tables it changes sees every row.
  await run(sample, true, { enrichers: [everywhere] });
  assert.ok(seen.has('any:Zeek_conn') && seen.has('any:CommonSecurityLog'));
});
