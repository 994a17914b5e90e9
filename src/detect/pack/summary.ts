// The alert summary `kqlhunt start` prints: one line per rule that fired (severity, alert
// count, the entities its alerts name most often), then the rules that stayed quiet.

import type { Alert } from '../alerts.js';
import type { Entity } from '../entities.js';
import type { Rule } from '../rule.js';

export interface RuleSummary {
  ruleId: string;
  ruleName: string;
  severity: string;
  alerts: number;
  /** Most frequent entity values over the rule's alerts, most frequent first. */
  topEntities: { entity: string; alerts: number }[];
}

/** Which identifier names an entity for a reader; command lines and hashes are too long for a table. */
const DISPLAY_IDENTIFIER: Readonly<Record<string, readonly string[]>> = {
  Host: ['FullName', 'HostName', 'NetBiosName'],
  IP: ['Address'],
  DNS: ['DomainName'],
  Account: ['Name', 'FullName'],
  URL: ['Url'],
  File: ['Name'],
};

export function entityLabel(e: Entity): string | undefined {
  for (const id of DISPLAY_IDENTIFIER[e.type] ?? []) {
    const v = e.identifiers[id];
    if (v !== undefined && v !== '') return `${e.type === 'Host' ? '' : `${e.type}:`}${String(v)}`;
  }
  return undefined;
}

const SEVERITY_ORDER = ['High', 'Medium', 'Low', 'Informational'];

export function summariseAlerts(rules: readonly Rule[], alerts: readonly Alert[], topN = 3): RuleSummary[] {
  const byRule = new Map<string, Alert[]>();
  for (const a of alerts) {
    const list = byRule.get(a.ruleId);
    if (list) list.push(a);
    else byRule.set(a.ruleId, [a]);
  }
  return rules.map((rule) => {
    const own = byRule.get(rule.id) ?? [];
    const counts = new Map<string, number>();
    for (const a of own) {
      // An entity counts once per alert, however many rows name it.
      for (const label of new Set(a.entities.map(entityLabel).filter((l): l is string => l !== undefined))) {
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
    }
    // Hosts first: they are what an analyst opens next; then by how many alerts name them.
    const isHost = (label: string): number => (label.includes(':') ? 1 : 0);
    const topEntities = [...counts]
      .sort((x, y) => isHost(x[0]) - isHost(y[0]) || y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
      .slice(0, topN)
      .map(([entity, n]) => ({ entity, alerts: n }));
    return { ruleId: rule.id, ruleName: rule.name, severity: own[0]?.severity ?? rule.severity ?? 'Medium', alerts: own.length, topEntities };
  }).sort((a, b) => b.alerts - a.alerts === 0 ? SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) : b.alerts - a.alerts);
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export function renderAlertSummary(summaries: readonly RuleSummary[]): string {
  const firing = summaries.filter((s) => s.alerts > 0);
  const quiet = summaries.filter((s) => s.alerts === 0);
  const nameWidth = Math.min(58, Math.max(4, ...firing.map((s) => s.ruleName.length)));
  const lines: string[] = [];
  if (firing.length === 0) {
    lines.push('no alerts');
  } else {
    lines.push(`${'rule'.padEnd(nameWidth)}  ${'severity'.padEnd(8)}  ${'alerts'.padStart(6)}  top entities`);
    lines.push(`${'-'.repeat(nameWidth)}  --------  ------  ${'-'.repeat(40)}`);
    for (const s of firing) {
      const entities = s.topEntities.map((e) => (e.alerts > 1 ? `${e.entity} (${e.alerts})` : e.entity)).join(', ');
      lines.push(`${clip(s.ruleName, nameWidth).padEnd(nameWidth)}  ${s.severity.padEnd(8)}  ${String(s.alerts).padStart(6)}  ${entities}`);
    }
    const total = firing.reduce((n, s) => n + s.alerts, 0);
    lines.push(`total: ${total} alert${total === 1 ? '' : 's'} from ${firing.length} of ${summaries.length} rules`);
  }
  if (quiet.length > 0) {
    lines.push(`quiet: ${quiet.length} rule${quiet.length === 1 ? '' : 's'} raised no alert:`);
    for (const s of quiet) lines.push(`  ${s.ruleName}`);
  }
  return lines.join('\n') + '\n';
}
