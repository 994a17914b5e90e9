// Durable detection state in the store's SQLite database (STORE/state.db, opened through
// src/store/state-db.ts with this component's own migrations): alerts, incidents (latest
// state of each) and rule health (one row per run: ok, failed with why, or suppressed).
// Each hunt's writes are one transaction, so a crash never leaves alerts without their
// incidents; an alert id is its rule, run time and position, so replays store nothing twice.

import fs from 'node:fs';
import type { Migration, StateDatabase } from '../store/state-db.js';
import { openStateDb } from '../store/state-db.js';
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
  /** A rule id, or a rule's exact name. */
  ruleId?: string;
  severity?: Severity;
}

export const DETECTION_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'alerts, incidents and rule health',
    up(db) {
      db.exec(`
        CREATE TABLE alerts (
          alert_id TEXT PRIMARY KEY,
          rule_id TEXT NOT NULL,
          rule_name TEXT NOT NULL,
          severity TEXT NOT NULL,
          run_time_ms INTEGER NOT NULL,
          incident_id TEXT,
          alert_json TEXT NOT NULL
        );
        CREATE INDEX alerts_by_time ON alerts (run_time_ms);
        CREATE INDEX alerts_by_rule ON alerts (rule_id, run_time_ms);
        CREATE TABLE incidents (
          incident_id TEXT PRIMARY KEY,
          rule_id TEXT NOT NULL,
          created_ms INTEGER NOT NULL,
          incident_json TEXT NOT NULL
        );
        CREATE TABLE rule_health (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          rule_id TEXT NOT NULL,
          run_time_ms INTEGER NOT NULL,
          status TEXT NOT NULL,
          health_json TEXT NOT NULL
        );
        CREATE INDEX rule_health_by_rule ON rule_health (rule_id, run_time_ms);
      `);
    },
  },
];

export class AlertStore {
  private db: StateDatabase | undefined;

  constructor(readonly storeDir: string) {}

  private open(): StateDatabase {
    if (this.db === undefined) {
      fs.mkdirSync(this.storeDir, { recursive: true });
      this.db = openStateDb(this.storeDir, { detections: DETECTION_MIGRATIONS });
    }
    return this.db;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  /** Saves one hunt's outcome atomically. Alerts already stored (same id) are left as they were. */
  save(alerts: readonly Alert[], incidents: readonly Incident[], health: readonly RuleHealth[]): void {
    const db = this.open();
    const insertAlert = db.prepare('INSERT OR IGNORE INTO alerts (alert_id, rule_id, rule_name, severity, run_time_ms, incident_id, alert_json) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const upsertIncident = db.prepare('INSERT OR REPLACE INTO incidents (incident_id, rule_id, created_ms, incident_json) VALUES (?, ?, ?, ?)');
    const insertHealth = db.prepare('INSERT INTO rule_health (rule_id, run_time_ms, status, health_json) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (const a of alerts) insertAlert.run(a.alertId, a.ruleId, a.ruleName, a.severity, Date.parse(a.runTime), a.incidentId ?? null, JSON.stringify(a));
      for (const i of incidents) upsertIncident.run(i.incidentId, i.ruleId, Date.parse(i.createdTime), JSON.stringify(i));
      for (const h of health) insertHealth.run(h.ruleId, Date.parse(h.runTime), h.status, JSON.stringify(h));
    })();
  }

  /** Alerts matching the filter, oldest first. */
  alerts(filter: AlertFilter = {}): Alert[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.since !== undefined) {
      where.push('run_time_ms >= ?');
      args.push(Date.parse(filter.since));
    }
    if (filter.ruleId !== undefined) {
      where.push('(lower(rule_id) = lower(?) OR rule_name = ?)');
      args.push(filter.ruleId, filter.ruleId);
    }
    if (filter.severity !== undefined) {
      where.push('severity = ?');
      args.push(filter.severity);
    }
    const sql = `SELECT alert_json FROM alerts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY run_time_ms, alert_id`;
    return (this.open().prepare(sql).all(...args) as { alert_json: string }[]).map((r) => JSON.parse(r.alert_json) as Alert);
  }

  /** Incidents in their latest state; with `ruleId`, only that rule's. */
  incidents(ruleId?: string): Incident[] {
    const rows = ruleId === undefined
      ? this.open().prepare('SELECT incident_json FROM incidents ORDER BY created_ms').all()
      : this.open().prepare('SELECT incident_json FROM incidents WHERE rule_id = ? ORDER BY created_ms').all(ruleId);
    return (rows as { incident_json: string }[]).map((r) => JSON.parse(r.incident_json) as Incident);
  }

  /** Rule runs in the order they were recorded; `severity` in the filter does not apply. */
  health(filter: Omit<AlertFilter, 'severity'> = {}): RuleHealth[] {
    const rows = (this.open().prepare('SELECT health_json FROM rule_health ORDER BY id').all() as { health_json: string }[]).map((r) => JSON.parse(r.health_json) as RuleHealth);
    const since = filter.since === undefined ? undefined : Date.parse(filter.since);
    return rows.filter((h) => (since === undefined || Date.parse(h.runTime) >= since) &&
      (filter.ruleId === undefined || h.ruleId.toLowerCase() === filter.ruleId.toLowerCase() || h.ruleName === filter.ruleId));
  }

  /** The latest run time (ISO) of an alert of the rule: suppression counts from it. */
  lastAlertTime(ruleId: string): string | undefined {
    const row = this.open().prepare('SELECT alert_json FROM alerts WHERE rule_id = ? ORDER BY run_time_ms DESC LIMIT 1').get(ruleId) as { alert_json: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.alert_json) as Alert).runTime;
  }

  hasAlert(alertId: string): boolean {
    return this.open().prepare('SELECT 1 FROM alerts WHERE alert_id = ?').get(alertId) !== undefined;
  }
}
