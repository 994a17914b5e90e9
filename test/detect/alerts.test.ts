import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alertsForRun, assignIncidents, isSuppressed, MAX_ALERTS_PER_RUN, renderFormat, triggers, type Incident } from '../../src/detect/alerts.js';
import { entitiesOfRow, uniqueEntities } from '../../src/detect/entities.js';
import { loadRuleText, type Rule } from '../../src/detect/rule.js';
import { TICKS_PER_MS, type RuleRun } from '../../src/detect/runner.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';

function rule(extra: string, kind = 'Scheduled'): Rule {
  const text = `id: 11111111-2222-4333-8444-555555555555
name: Rule
description: Desc
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - Discovery
relevantTechniques:
  - T1046
query: |
  T
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: Ip
  - entityType: Account
    fieldMappings:
      - identifier: Name
        columnName: User
customDetails:
  Port: Port
kind: ${kind}
${extra}`;
  const r = loadRuleText('r.yaml', text);
  assert.deepEqual(r.problems, []);
  return r.rules[0]!;
}

const T0 = parseDatetimeString('2024-05-01T10:00:00Z')!;
const HOUR = 3_600_000n * TICKS_PER_MS;

function run(r: Rule, rows: Record<string, unknown>[], at = T0): RuleRun {
  return { rule: r, runTime: at, windowStart: at - HOUR, windowEnd: at, status: 'ok', columns: [], rows, durationMs: 0 };
}

const ROWS = [
  { Ip: '203.0.113.5', User: 'alice', Port: 22, Sev: 'High', Tac: 'Impact,Execution' },
  { Ip: '203.0.113.5', User: 'ADMINISTRATOR', Port: 2222 },
  { Ip: '', User: 'bob', Port: 22 },
];

test('trigger operators compare the result count with the threshold', () => {
  fc.assert(fc.property(fc.nat(20), fc.nat(20), (threshold, count) => {
    assert.equal(triggers('gt', threshold, count), count > threshold);
    assert.equal(triggers('lt', threshold, count), count < threshold);
    assert.equal(triggers('eq', threshold, count), count === threshold);
    assert.equal(triggers('ne', threshold, count), count !== threshold);
  }));
  const gt0 = rule('');
  assert.equal(alertsForRun(gt0, run(gt0, [])).length, 0, 'gt 0 with no rows');
  const r = { ...rule(''), triggerOperator: 'lt' as const, triggerThreshold: 1 };
  assert.equal(alertsForRun(r, run(r, [])).length, 1, 'lt 1 with no rows alerts');
  const gt2 = { ...rule(''), triggerThreshold: 3 };
  assert.equal(alertsForRun(gt2, run(gt2, ROWS)).length, 0);
});

test('SingleAlert: one alert with every row, entities de-duplicated, custom details collected', () => {
  const r = rule('');
  const [a, ...more] = alertsForRun(r, run(r, ROWS));
  assert.ok(a);
  assert.equal(more.length, 0);
  assert.equal(a.resultCount, 3);
  assert.equal(a.rows.length, 3);
  assert.equal(a.severity, 'Low');
  assert.equal(a.displayName, 'Rule');
  assert.equal(a.windowStart, '2024-05-01T09:00:00Z');
  assert.equal(a.windowEnd, '2024-05-01T10:00:00Z');
  // ADMINISTRATOR mapped by Name alone is a generic account Sentinel drops; the empty Ip is no entity.
  assert.deepEqual(a.entities, [
    { type: 'IP', identifiers: { Address: '203.0.113.5' } },
    { type: 'Account', identifiers: { Name: 'alice' } },
    { type: 'Account', identifiers: { Name: 'bob' } },
  ]);
  assert.deepEqual(a.customDetails, { Port: [22, 2222] });
});

test('AlertPerResult: one alert per row; past 150 rows, 149 alerts and one summarising the rest', () => {
  const r = rule('eventGroupingSettings:\n  aggregationKind: AlertPerResult\n');
  const alerts = alertsForRun(r, run(r, ROWS));
  assert.equal(alerts.length, 3);
  assert.deepEqual(alerts.map((a) => a.resultCount), [1, 1, 1]);
  assert.equal(new Set(alerts.map((a) => a.alertId)).size, 3);
  const many = Array.from({ length: 400 }, (_, i) => ({ Ip: `10.0.${i >> 8}.${i & 255}`, User: 'u', Port: i }));
  const capped = alertsForRun(r, run(r, many));
  assert.equal(capped.length, MAX_ALERTS_PER_RUN);
  assert.equal(capped[MAX_ALERTS_PER_RUN - 2]!.resultCount, 1);
  assert.equal(capped[MAX_ALERTS_PER_RUN - 1]!.resultCount, 400);
});

test('alert details override: {{Col}} from the first row, severity and tactics from columns', () => {
  const r = rule(`alertDetailsOverride:
  alertDisplayNameFormat: 'Scan from {{Ip}} by {{ User }}'
  alertDescriptionFormat: 'Port {{Port}}, missing {{Nope}}.'
  alertSeverityColumnName: Sev
  alertTacticsColumnName: Tac
  alertDynamicProperties:
    - alertProperty: ProductName
      value: User
`);
  const [a] = alertsForRun(r, run(r, ROWS));
  assert.equal(a!.displayName, 'Scan from 203.0.113.5 by alice');
  assert.equal(a!.description, 'Port 22, missing .');
  assert.equal(a!.severity, 'High');
  assert.deepEqual(a!.tactics, ['Impact', 'Execution']);
  assert.deepEqual(a!.dynamicProperties, { ProductName: 'alice' });
  assert.equal(renderFormat('{{A}}-{{B}}', { A: { x: 1 }, B: null }), '{"x":1}-');
});

test('entity extraction: identifiers per mapping, empty values skipped, case-insensitive type spelling', () => {
  const e = entitiesOfRow([
    { entityType: 'Host', fieldMappings: [{ identifier: 'HostName', columnName: 'H' }, { identifier: 'NTDomain', columnName: 'D' }] },
    { entityType: 'Url', fieldMappings: [{ identifier: 'Url', columnName: 'U' }] },
    { entityType: 'FileHash', fieldMappings: [{ identifier: 'Algorithm', columnName: 'Alg' }, { identifier: 'Value', columnName: 'Hash' }] },
    { entityType: 'Process', fieldMappings: [{ identifier: 'ProcessId', columnName: 'Pid' }, { identifier: 'CommandLine', columnName: 'Cmd' }] },
  ], { H: 'web01', D: '', U: 'http://x.test/a', Alg: 'SHA256', Hash: 'ab12', Pid: 4242, Cmd: 'sh -c id' });
  assert.deepEqual(e, [
    { type: 'Host', identifiers: { HostName: 'web01' } },
    { type: 'URL', identifiers: { Url: 'http://x.test/a' } },
    { type: 'FileHash', identifiers: { Algorithm: 'SHA256', Value: 'ab12' } },
    { type: 'Process', identifiers: { ProcessId: 4242, CommandLine: 'sh -c id' } },
  ]);
  assert.equal(uniqueEntities([...e, { type: 'Host', identifiers: { HostName: 'WEB01' } }]).length, 4, 'entity identity ignores case');
});

test('suppression: no runs for suppressionDuration after an alert', () => {
  const r = rule('suppressionEnabled: true\nsuppressionDuration: 2h\n');
  assert.equal(isSuppressed(r, T0, undefined), false);
  assert.equal(isSuppressed(r, T0 + HOUR, T0), true);
  assert.equal(isSuppressed(r, T0 + 2n * HOUR, T0), false, 'the period is half-open');
  const off = rule('suppressionEnabled: false\nsuppressionDuration: 2h\n');
  assert.equal(isSuppressed(off, T0 + HOUR, T0), false);
});

test('incidents: one per alert without grouping; grouped by entities, any alert, or selected fields within the lookback', () => {
  const plain = rule('');
  const a1 = alertsForRun(plain, run(plain, [ROWS[0]!]));
  const a2 = alertsForRun(plain, run(plain, [ROWS[0]!], T0 + HOUR));
  const store: Incident[] = [];
  assignIncidents(plain, a1, store);
  assignIncidents(plain, a2, store);
  assert.equal(store.length, 2);

  const grouping = (method: string, extra = ''): Rule => rule(`incidentConfiguration:
  createIncident: true
  groupingConfiguration:
    enabled: true
    lookbackDuration: 5h
    matchingMethod: ${method}
${extra}`);
  const all = grouping('AllEntities');
  const incidents: Incident[] = [];
  assignIncidents(all, alertsForRun(all, run(all, [ROWS[0]!])), incidents);
  assignIncidents(all, alertsForRun(all, run(all, [ROWS[0]!], T0 + HOUR)), incidents);
  assignIncidents(all, alertsForRun(all, run(all, [ROWS[2]!], T0 + HOUR)), incidents);
  assignIncidents(all, alertsForRun(all, run(all, [ROWS[0]!], T0 + 6n * HOUR)), incidents);
  assert.deepEqual(incidents.map((i) => i.alertIds.length), [2, 1, 1], 'same entities join; other entities or past the lookback do not');

  const any = grouping('AnyAlert');
  const anyIncidents: Incident[] = [];
  for (const [i, row] of ROWS.entries()) assignIncidents(any, alertsForRun(any, run(any, [row], T0 + BigInt(i) * HOUR)), anyIncidents);
  assert.deepEqual(anyIncidents.map((i) => i.alertIds.length), [3]);

  const selected = grouping('Selected', '    groupByEntities:\n      - IP\n');
  const selIncidents: Incident[] = [];
  assignIncidents(selected, alertsForRun(selected, run(selected, [ROWS[0]!])), selIncidents);
  assignIncidents(selected, alertsForRun(selected, run(selected, [{ ...ROWS[0]!, User: 'carol' }], T0 + HOUR)), selIncidents);
  assert.deepEqual(selIncidents.map((i) => i.alertIds.length), [2], 'same IP, different account: grouped by IP only');
  assert.equal(selIncidents[0]!.entities.length, 3);

  const none = rule('incidentConfiguration:\n  createIncident: false\n');
  assert.deepEqual(assignIncidents(none, alertsForRun(none, run(none, ROWS)), []), []);
});

test('hunting queries make no alerts; NRT rules alert on any result', () => {
  const h = { ...rule(''), kind: 'Hunting' as const };
  assert.equal(alertsForRun(h, run(h, ROWS)).length, 0);
  const nrt = { ...rule(''), kind: 'NRT' as const, triggerThreshold: 10 };
  assert.equal(alertsForRun(nrt, run(nrt, ROWS)).length, 1);
});
