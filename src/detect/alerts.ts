// From a run's result rows to Sentinel-style alerts: the trigger, event grouping (one alert
// for the run, or one per result row), entities, custom details, alert details overrides,
// suppression, and incident grouping.

import crypto from 'node:crypto';
import { formatDatetimeIso } from '../kql/values/datetime.js';
import { entitiesOfRow, entityKey, uniqueEntities, type Entity, type JsonRow } from './entities.js';
import type { Rule, Severity, TriggerOperator } from './rule.js';
import { SEVERITIES } from './rule.js';
import type { RuleRun } from './runner.js';
import { TICKS_PER_MS } from './runner.js';

export interface Alert {
  alertId: string;
  ruleId: string;
  ruleName: string;
  ruleFile: string;
  severity: Severity;
  displayName: string;
  description: string;
  tactics: string[];
  techniques: string[];
  /** ISO 8601: when the run happened, and the window it looked at ([start, end)). */
  runTime: string;
  windowStart: string;
  windowEnd: string;
  aggregationKind: Rule['aggregationKind'];
  entities: Entity[];
  /** Custom detail -> its values over the alert's rows (distinct, in row order). */
  customDetails: Record<string, unknown[]>;
  /** alertDynamicProperties overrides (alert property -> value from the first row). */
  dynamicProperties: Record<string, unknown>;
  /** How many result rows the alert stands for, and (up to MAX_ROWS_PER_ALERT of) the rows. */
  resultCount: number;
  rows: JsonRow[];
  incidentId?: string;
}

/** Result rows kept on one alert; `resultCount` still counts them all. */
export const MAX_ROWS_PER_ALERT = 1000;
/** Distinct values kept per custom detail on one alert. */
export const MAX_CUSTOM_DETAIL_VALUES = 50;
/** Sentinel's cap on alerts per run with AlertPerResult: 149 alerts, and a 150th for the rest. */
export const MAX_ALERTS_PER_RUN = 150;

/** Sentinel's trigger: the number of result rows compared with the threshold. */
export function triggers(operator: TriggerOperator, threshold: number, resultCount: number): boolean {
  switch (operator) {
    case 'gt': return resultCount > threshold;
    case 'lt': return resultCount < threshold;
    case 'eq': return resultCount === threshold;
    case 'ne': return resultCount !== threshold;
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** `{{Column}}` -> that column's value in `row` (empty when absent or null). */
export function renderFormat(format: string, row: JsonRow | undefined): string {
  return format.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (_, col: string) => cellText(row?.[col]));
}

function stableId(...parts: string[]): string {
  const h = crypto.createHash('sha1').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function severityFrom(v: unknown): Severity | undefined {
  return typeof v === 'string' ? SEVERITIES.find((s) => s.toLowerCase() === v.trim().toLowerCase()) : undefined;
}

function tacticsFrom(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v.trim() !== '') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return undefined;
}

function buildAlert(rule: Rule, run: RuleRun, rows: readonly JsonRow[], resultCount: number, index: number): Alert {
  const first = rows[0];
  const o = rule.alertDetailsOverride;
  const customDetails: Record<string, unknown[]> = {};
  for (const [key, col] of Object.entries(rule.customDetails)) {
    const seen = new Set<string>();
    const values: unknown[] = [];
    for (const row of rows) {
      const v = row[col];
      if (v === null || v === undefined || v === '') continue;
      const k = JSON.stringify(v);
      if (seen.has(k)) continue;
      seen.add(k);
      values.push(v);
      if (values.length >= MAX_CUSTOM_DETAIL_VALUES) break;
    }
    customDetails[key] = values;
  }
  const dynamicProperties: Record<string, unknown> = {};
  for (const d of o?.alertDynamicProperties ?? []) dynamicProperties[d.alertProperty] = first?.[d.value] ?? null;
  const runTime = formatDatetimeIso(run.runTime);
  return {
    alertId: stableId(rule.id || rule.name, runTime, String(index)),
    ruleId: rule.id,
    ruleName: rule.name,
    ruleFile: rule.source.file,
    severity: (o?.alertSeverityColumnName ? severityFrom(first?.[o.alertSeverityColumnName]) : undefined) ?? rule.severity ?? 'Medium',
    displayName: o?.alertDisplayNameFormat ? renderFormat(o.alertDisplayNameFormat, first) : rule.name,
    description: o?.alertDescriptionFormat ? renderFormat(o.alertDescriptionFormat, first) : rule.description,
    tactics: (o?.alertTacticsColumnName ? tacticsFrom(first?.[o.alertTacticsColumnName]) : undefined) ?? rule.tactics,
    techniques: rule.techniques,
    runTime,
    windowStart: formatDatetimeIso(run.windowStart),
    windowEnd: formatDatetimeIso(run.windowEnd),
    aggregationKind: rule.aggregationKind,
    entities: uniqueEntities(rows.flatMap((row) => entitiesOfRow(rule.entityMappings, row))),
    customDetails,
    dynamicProperties,
    resultCount,
    rows: rows.slice(0, MAX_ROWS_PER_ALERT),
  };
}

/**
 * The alerts of one successful run of a scheduled or NRT rule. Hunting queries make no
 * alerts (in Sentinel their results are looked at, not alerted on). NRT rules have no
 * trigger settings: any result alerts.
 */
export function alertsForRun(rule: Rule, run: RuleRun): Alert[] {
  if (run.status !== 'ok' || rule.kind === 'Hunting') return [];
  const operator = rule.kind === 'NRT' ? 'gt' : rule.triggerOperator ?? 'gt';
  const threshold = rule.kind === 'NRT' ? 0 : rule.triggerThreshold ?? 0;
  const rows = run.rows;
  if (!triggers(operator, threshold, rows.length)) return [];
  if (rule.aggregationKind === 'SingleAlert' || rows.length === 0) return [buildAlert(rule, run, rows, rows.length, 0)];
  if (rows.length <= MAX_ALERTS_PER_RUN) return rows.map((row, i) => buildAlert(rule, run, [row], 1, i));
  const alerts = rows.slice(0, MAX_ALERTS_PER_RUN - 1).map((row, i) => buildAlert(rule, run, [row], 1, i));
  // The last alert summarises every result, as Sentinel's 150th alert does.
  alerts.push(buildAlert(rule, run, rows, rows.length, MAX_ALERTS_PER_RUN - 1));
  return alerts;
}

/** Whether a run at `runTime` falls inside the suppression period after the rule's last alert. */
export function isSuppressed(rule: Rule, runTime: bigint, lastAlertRunTime: bigint | undefined): boolean {
  if (!rule.suppressionEnabled || rule.suppressionDurationMs === undefined || lastAlertRunTime === undefined) return false;
  return runTime < lastAlertRunTime + BigInt(rule.suppressionDurationMs) * TICKS_PER_MS;
}

export interface Incident {
  incidentId: string;
  ruleId: string;
  title: string;
  severity: Severity;
  /** Run time of the incident's first alert (ISO); grouping's lookback counts from it. */
  createdTime: string;
  lastAlertTime: string;
  /** What alerts must share to join (entities, details), per the rule's matching method. */
  groupKey: string;
  alertIds: string[];
  entities: Entity[];
}

/** Most alerts Sentinel puts in one grouped incident; the next starts a new incident. */
export const MAX_ALERTS_PER_INCIDENT = 150;

function groupKey(rule: Rule, alert: Alert): string | undefined {
  const g = rule.incidentConfiguration?.groupingConfiguration;
  if (!g?.enabled) return undefined;
  switch (g.matchingMethod) {
    case 'AnyAlert': return '*';
    case 'AllEntities': return alert.entities.map(entityKey).sort().join('\n');
    case 'Selected': {
      const parts: string[] = [];
      for (const type of g.groupByEntities) {
        parts.push(`${type}:${alert.entities.filter((e) => e.type.toLowerCase() === type.toLowerCase()).map(entityKey).sort().join(',')}`);
      }
      for (const d of g.groupByAlertDetails) parts.push(`${d}:${d === 'Severity' ? alert.severity : d === 'DisplayName' ? alert.displayName : ''}`);
      for (const c of g.groupByCustomDetails) parts.push(`${c}:${JSON.stringify(alert.customDetails[c] ?? [])}`);
      return parts.join('\n');
    }
  }
}

const SEVERITY_RANK: Record<Severity, number> = { Informational: 0, Low: 1, Medium: 2, High: 3 };

/**
 * Puts new alerts into incidents: each alert its own incident, unless the rule groups alerts,
 * in which case an alert joins the open incident of the same rule and group key created within
 * the lookback. Sets `alert.incidentId`; returns the incidents created or changed.
 */
export function assignIncidents(rule: Rule, alerts: Alert[], existing: Incident[]): Incident[] {
  if (rule.incidentConfiguration?.createIncident === false) return [];
  const g = rule.incidentConfiguration?.groupingConfiguration;
  const changed = new Map<string, Incident>();
  for (const alert of alerts) {
    const key = groupKey(rule, alert);
    const at = Date.parse(alert.runTime);
    let incident = key === undefined ? undefined : existing.find((i) =>
      i.ruleId === alert.ruleId && i.groupKey === key && i.alertIds.length < MAX_ALERTS_PER_INCIDENT &&
      at - Date.parse(i.createdTime) <= (g?.lookbackDurationMs ?? 0));
    if (incident === undefined) {
      incident = {
        incidentId: stableId('incident', alert.alertId), ruleId: alert.ruleId, title: alert.displayName, severity: alert.severity,
        createdTime: alert.runTime, lastAlertTime: alert.runTime, groupKey: key ?? alert.alertId, alertIds: [], entities: [],
      };
      existing.push(incident);
    }
    incident.alertIds.push(alert.alertId);
    incident.lastAlertTime = alert.runTime;
    if (SEVERITY_RANK[alert.severity] > SEVERITY_RANK[incident.severity]) incident.severity = alert.severity;
    incident.entities = uniqueEntities([...incident.entities, ...alert.entities]);
    alert.incidentId = incident.incidentId;
    changed.set(incident.incidentId, incident);
  }
  return [...changed.values()];
}
