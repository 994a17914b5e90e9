// `kqlhunt alerts`: list and filter the alerts hunts have saved in the store. Also the text
// tables `hunt` prints.

import fs from 'node:fs';
import path from 'node:path';
import type { Alert } from '../detect/alerts.js';
import type { HuntResult } from '../detect/hunt.js';
import type { RuleHealth } from '../detect/alert-store.js';
import { SEVERITIES, type Severity } from '../detect/rule.js';
import { choiceOption, parseCommandArgs, stringOption, UsageError } from './args.js';
import { EXIT_OK, type CliIO } from './main.js';

export const ALERTS_HELP = `Usage: kqlhunt alerts [--since T] [--rule ID] [--severity S] [--format table|json|jsonl] [--store DIR] [--health]

Lists the alerts saved by 'kqlhunt hunt', oldest first; with --health, the rule runs instead
(ok, failed with the error, or suppressed).

  --since T      alerts of runs at or after T (ISO 8601, or a duration back from now: 24h, 7d)
  --rule ID      one rule, by id or exact name
  --severity S   Informational, Low, Medium or High
  --format F     table (default), json, or jsonl (one alert per line)
  --store DIR    the store (default $KQLHUNT_STORE or ~/.kqlhunt/store)
  --health       list rule health (runs) rather than alerts
`;

function pad(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function clip(text: string, n: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function entitySummary(a: Alert): string {
  return clip(a.entities.map((e) => `${e.type}:${Object.values(e.identifiers).join('/')}`).join(', '), 60);
}

export function renderAlertTable(alerts: readonly Alert[]): string {
  const rows = [['RunTime', 'Severity', 'Alert', 'Results', 'Entities']];
  for (const a of alerts) rows.push([a.runTime, a.severity, clip(a.displayName, 50), String(a.resultCount), entitySummary(a)]);
  return pad(rows) + `(${alerts.length} alert${alerts.length === 1 ? '' : 's'})\n`;
}

export function renderHealthTable(health: readonly RuleHealth[]): string {
  const rows = [['RunTime', 'Rule', 'Status', 'Results', 'Alerts', 'Error']];
  for (const h of health) rows.push([h.runTime, clip(h.ruleName || h.ruleId, 40), h.status, String(h.resultCount), String(h.alertCount), clip(h.error ?? '', 80)]);
  return pad(rows) + `(${health.length} run${health.length === 1 ? '' : 's'}, ${health.filter((h) => h.status === 'failed').length} failed)\n`;
}

export function renderHuntTable(result: HuntResult): string {
  const rows = [['Rule', 'RunTime', 'Status', 'Results', 'Alerts']];
  for (const h of result.health) rows.push([clip(h.ruleName || h.ruleId, 50), h.runTime, h.status, String(h.resultCount), String(h.alertCount)]);
  const failed = result.health.filter((h) => h.status === 'failed').length;
  return pad(rows) + `(${result.health.length} run(s), ${failed} failed)\n\n` + renderAlertTable(result.alerts);
}

export async function alertsCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('alerts', argv, {
    since: { type: 'string' },
    rule: { type: 'string' },
    severity: { type: 'string' },
    format: { type: 'string' },
    store: { type: 'string' },
    health: { type: 'boolean' },
  });
  if (args.values['help']) {
    io.stdout(ALERTS_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`, 'alerts');
  const format = choiceOption(args, 'format', ['table', 'json', 'jsonl'] as const, 'table', 'alerts');
  const severityText = stringOption(args, 'severity');
  let severity: Severity | undefined;
  if (severityText !== undefined) {
    severity = SEVERITIES.find((s) => s.toLowerCase() === severityText.toLowerCase());
    if (severity === undefined) throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')} (got '${severityText}')`, 'alerts');
  }
  const sinceText = stringOption(args, 'since');
  let since: string | undefined;
  if (sinceText !== undefined) {
    const { parseDuration } = await import('../detect/duration.js');
    const { parseDatetimeString, formatDatetimeIso } = await import('../kql/values/datetime.js');
    const back = parseDuration(sinceText);
    const at = back === undefined ? parseDatetimeString(sinceText) : null;
    if (back !== undefined) since = new Date(Date.now() - back).toISOString();
    else if (at !== null) since = formatDatetimeIso(at);
    else throw new UsageError(`--since must be a datetime or a duration such as 24h (got '${sinceText}')`, 'alerts');
  }
  const { storeDirectory } = await import('../store/location.js');
  const { AlertStore } = await import('../detect/alert-store.js');
  const { STATE_DB_FILE } = await import('../store/state-db.js');
  const storeDir = storeDirectory(stringOption(args, 'store'));
  const ruleId = stringOption(args, 'rule');
  let alerts: Alert[] = [];
  let health: RuleHealth[] = [];
  // Listing never creates a store: no state database means no hunt has saved anything yet.
  if (fs.existsSync(path.join(storeDir, STATE_DB_FILE))) {
    const store = new AlertStore(storeDir);
    try {
      const filter = { ...(since ? { since } : {}), ...(ruleId ? { ruleId } : {}) };
      if (args.values['health']) health = store.health(filter);
      else alerts = store.alerts({ ...filter, ...(severity ? { severity } : {}) });
    } finally {
      store.close();
    }
  }
  if (args.values['health']) {
    if (severity !== undefined) throw new UsageError('--severity applies to alerts, not to --health', 'alerts');
    if (format === 'json') io.stdout(JSON.stringify(health, null, 2) + '\n');
    else if (format === 'jsonl') io.stdout(health.map((h) => JSON.stringify(h) + '\n').join(''));
    else io.stdout(renderHealthTable(health));
    return EXIT_OK;
  }
  if (format === 'json') io.stdout(JSON.stringify(alerts, null, 2) + '\n');
  else if (format === 'jsonl') io.stdout(alerts.map((a) => JSON.stringify(a) + '\n').join(''));
  else io.stdout(renderAlertTable(alerts));
  return EXIT_OK;
}
