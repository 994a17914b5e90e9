// Detection quality against a simulation's ground truth (labels.json). An alert matches an
// injected scenario when the window the alert's run looked at overlaps the scenario's window
// and the alert names one of the scenario's entities: a host (directly, or through an internal
// address the host uses), an external address, a domain (or a parent of one), or a URL.
// Everything else an alert says is ignored: an alert about the right machine at the right
// time is a detection, whatever the rule thought it saw.

import type { Alert } from '../alerts.js';
import type { Entity } from '../entities.js';

export interface ScenarioTruth {
  name: string;
  subtle: boolean;
  window: { start: string; end: string };
  entities: { hosts: string[]; ips: string[]; domains: string[]; urls: string[] };
}

export interface EvaluationInput {
  scenarios: readonly ScenarioTruth[];
  alerts: readonly Alert[];
  /** Rule id -> rule key (file name stem), and rule key -> the scenarios it targets. */
  ruleKeys: ReadonlyMap<string, string>;
  targets: Readonly<Record<string, readonly string[]>>;
  /** Internal address -> host name (lower case), to resolve alerts that name a host by address. */
  hostOfIp: ReadonlyMap<string, string>;
  /** Days the evaluated runs cover, for false positives per day. */
  days: number;
}

export interface RuleQuality {
  rule: string;
  ruleName: string;
  alerts: number;
  truePositives: number;
  falsePositives: number;
  /** truePositives / alerts; null without alerts. */
  precision: number | null;
  targets: string[];
  caughtTargets: string[];
  /** caughtTargets / targets; null for a rule without targets. */
  recall: number | null;
  /** Scenarios it caught that it was not written for. */
  alsoCaught: string[];
}

export interface ScenarioOutcome {
  name: string;
  subtle: boolean;
  caught: boolean;
  rules: string[];
}

export interface Evaluation {
  scenarios: ScenarioOutcome[];
  rules: RuleQuality[];
  alerts: number;
  falsePositives: number;
  falsePositivesPerDay: number;
  days: number;
}

function lower(s: unknown): string {
  return String(s).trim().toLowerCase();
}

/** The values an entity names, lower-cased, with internal addresses resolved to their hosts. */
function entityValues(e: Entity, hostOfIp: ReadonlyMap<string, string>): { hosts: string[]; ips: string[]; domains: string[]; urls: string[] } {
  const out = { hosts: [] as string[], ips: [] as string[], domains: [] as string[], urls: [] as string[] };
  const id = e.identifiers;
  switch (e.type) {
    case 'Host': {
      for (const key of ['FullName', 'HostName', 'NetBiosName']) if (id[key] !== undefined && id[key] !== '') out.hosts.push(lower(id[key]));
      if (id['HostName'] !== undefined && id['DnsDomain'] !== undefined) out.hosts.push(lower(`${id['HostName']}.${id['DnsDomain']}`));
      break;
    }
    case 'IP': {
      const ip = lower(id['Address'] ?? '');
      if (ip !== '') {
        out.ips.push(ip);
        const host = hostOfIp.get(ip);
        if (host !== undefined) out.hosts.push(host);
      }
      break;
    }
    case 'DNS':
      if (id['DomainName'] !== undefined) out.domains.push(lower(id['DomainName']));
      break;
    case 'URL':
      if (id['Url'] !== undefined) out.urls.push(lower(id['Url']));
      break;
  }
  return out;
}

function domainMatches(alertDomain: string, labelDomain: string): boolean {
  return labelDomain === alertDomain || labelDomain.endsWith(`.${alertDomain}`);
}

export function alertMatches(alert: Alert, scenario: ScenarioTruth, hostOfIp: ReadonlyMap<string, string>): boolean {
  if (scenario.window.start === '') return false;
  const alertFrom = Date.parse(alert.windowStart);
  const alertTo = Date.parse(alert.windowEnd);
  const from = Date.parse(scenario.window.start);
  const to = Date.parse(scenario.window.end);
  if (!(alertFrom <= to && from < alertTo)) return false;
  const hosts = new Set(scenario.entities.hosts.map(lower));
  const ips = new Set(scenario.entities.ips.map(lower));
  const urls = new Set(scenario.entities.urls.map(lower));
  const domains = scenario.entities.domains.map(lower);
  for (const e of alert.entities) {
    const v = entityValues(e, hostOfIp);
    if (v.hosts.some((h) => hosts.has(h))) return true;
    if (v.ips.some((ip) => ips.has(ip))) return true;
    if (v.urls.some((u) => urls.has(u))) return true;
    if (v.domains.some((d) => domains.some((l) => domainMatches(d, l)))) return true;
  }
  return false;
}

export function evaluate(input: EvaluationInput): Evaluation {
  const caughtBy = new Map<string, Set<string>>(input.scenarios.map((s) => [s.name, new Set<string>()]));
  const perRule = new Map<string, { ruleName: string; alerts: number; tp: number; caught: Set<string> }>();
  for (const key of Object.keys(input.targets)) perRule.set(key, { ruleName: key, alerts: 0, tp: 0, caught: new Set() });
  let falsePositives = 0;
  for (const alert of input.alerts) {
    const key = input.ruleKeys.get(alert.ruleId) ?? alert.ruleId;
    let q = perRule.get(key);
    if (q === undefined) perRule.set(key, (q = { ruleName: alert.ruleName, alerts: 0, tp: 0, caught: new Set() }));
    q.ruleName = alert.ruleName;
    q.alerts++;
    const matched = input.scenarios.filter((s) => alertMatches(alert, s, input.hostOfIp));
    if (matched.length === 0) {
      falsePositives++;
      continue;
    }
    q.tp++;
    for (const s of matched) {
      q.caught.add(s.name);
      caughtBy.get(s.name)!.add(key);
    }
  }
  const injected = new Set(input.scenarios.filter((s) => s.window.start !== '').map((s) => s.name));
  const rules: RuleQuality[] = [...perRule].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([rule, q]) => {
    const targets = (input.targets[rule] ?? []).filter((t) => injected.has(t));
    const caughtTargets = targets.filter((t) => q.caught.has(t));
    return {
      rule, ruleName: q.ruleName, alerts: q.alerts, truePositives: q.tp, falsePositives: q.alerts - q.tp,
      precision: q.alerts === 0 ? null : q.tp / q.alerts,
      targets, caughtTargets, recall: targets.length === 0 ? null : caughtTargets.length / targets.length,
      alsoCaught: [...q.caught].filter((s) => !targets.includes(s)).sort(),
    };
  });
  const scenarios = input.scenarios.map((s) => {
    const by = [...caughtBy.get(s.name)!].sort();
    return { name: s.name, subtle: s.subtle, caught: by.length > 0, rules: by };
  });
  return {
    scenarios, rules, alerts: input.alerts.length, falsePositives,
    falsePositivesPerDay: input.days > 0 ? falsePositives / input.days : 0, days: input.days,
  };
}

function pct(x: number | null): string {
  return x === null ? '-' : `${Math.round(x * 100)}%`;
}

/** The evaluation as Markdown tables (what docs/rules.md carries). */
export function renderEvaluation(e: Evaluation, title: string): string {
  const caught = e.scenarios.filter((s) => s.caught).length;
  const lines = [
    `### ${title}`,
    '',
    `Scenarios caught by at least one rule: **${caught} of ${e.scenarios.length}**. `
      + `Alerts: ${e.alerts}; false-positive alerts: ${e.falsePositives} over ${e.days} days = **${e.falsePositivesPerDay.toFixed(2)} per day**.`,
    '',
    '| scenario | subtle | caught | by rules |',
    '|---|---|---|---|',
    ...e.scenarios.map((s) => `| ${s.name} | ${s.subtle ? 'yes' : ''} | ${s.caught ? 'yes' : '**no**'} | ${s.rules.join(', ')} |`),
    '',
    '| rule | alerts | true pos. | false pos. | precision | recall (own targets) | also caught |',
    '|---|---|---|---|---|---|---|',
    ...e.rules.map((r) => `| ${r.rule} | ${r.alerts} | ${r.truePositives} | ${r.falsePositives} | ${pct(r.precision)} | ${pct(r.recall)} (${r.caughtTargets.length}/${r.targets.length}) | ${r.alsoCaught.join(', ')} |`),
    '',
  ];
  return lines.join('\n');
}
