// Durable detection state as JSON Lines under `STORE/detections/`: `alerts.jsonl` (one alert
// a line), `incidents.jsonl` (each change of an incident appended; the last line of an id
// wins) and `health.jsonl` (one line per rule run: ok, failed with why, or suppressed).
// Append-only text keeps every write a single `appendFileSync` that a crash can at worst cut
// short at the end; a torn last line is skipped on reading.

import fs from 'node:fs';
import path from 'node:path';
import type { Alert, Incident } from './alerts.js';
import type { Severity } from './rule.js';

export interface RuleHealth {
  ruleId: string;
  ruleName: string;
  ruleFile: string;
  runTime: string;
  windowStart: string;
  windowEnd: string;
  status: 'ok' | 'failed' | 'suppressed';
  error?: string;
  resultCount: number;
  alertCount: number;
  durationMs: number;
}

export interface AlertFilter {
  /** Only alerts whose run time is at or after this (ISO 8601). */
  since?: string;
  ruleId?: string;
  severity?: Severity;
}

function readLines<T>(file: string): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // A torn final line from an interrupted write; everything before it is intact.
    }
  }
  return out;
}

export class AlertStore {
  readonly dir: string;

  constructor(storeDir: string) {
    this.dir = path.join(storeDir, 'detections');
  }

  private append(name: string, records: readonly unknown[]): void {
    if (records.length === 0) return;
    fs.mkdirSync(this.dir, { recursive: true });
    fs.appendFileSync(path.join(this.dir, name), records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  addAlerts(alerts: readonly Alert[]): void {
    this.append('alerts.jsonl', alerts);
  }

  saveIncidents(incidents: readonly Incident[]): void {
    this.append('incidents.jsonl', incidents);
  }

  addHealth(records: readonly RuleHealth[]): void {
    this.append('health.jsonl', records);
  }

  alerts(filter: AlertFilter = {}): Alert[] {
    const since = filter.since === undefined ? undefined : Date.parse(filter.since);
    return readLines<Alert>(path.join(this.dir, 'alerts.jsonl')).filter((a) =>
      (since === undefined || Date.parse(a.runTime) >= since) &&
      (filter.ruleId === undefined || a.ruleId.toLowerCase() === filter.ruleId.toLowerCase() || a.ruleName === filter.ruleId) &&
      (filter.severity === undefined || a.severity === filter.severity));
  }

  /** Every incident in its latest state. */
  incidents(): Incident[] {
    const latest = new Map<string, Incident>();
    for (const i of readLines<Incident>(path.join(this.dir, 'incidents.jsonl'))) latest.set(i.incidentId, i);
    return [...latest.values()];
  }

  health(): RuleHealth[] {
    return readLines<RuleHealth>(path.join(this.dir, 'health.jsonl'));
  }

  /** The latest run time (ISO) of an alert of the rule: suppression counts from it. */
  lastAlertTime(ruleId: string): string | undefined {
    let last: string | undefined;
    for (const a of this.alerts({ ruleId })) if (last === undefined || Date.parse(a.runTime) > Date.parse(last)) last = a.runTime;
    return last;
  }

  /** Whether this exact alert (same rule, run time and position) was already stored: replays are idempotent. */
  knownAlertIds(): Set<string> {
    return new Set(this.alerts().map((a) => a.alertId));
  }
}
