// The evaluation's bookkeeping on hand-made alerts and labels: what counts as catching a
// scenario, false positives per day, per-rule precision and recall; and the start summary.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert } from '../../src/detect/alerts.js';
import type { Entity } from '../../src/detect/entities.js';
import { alertMatches, evaluate, renderEvaluation, type ScenarioTruth } from '../../src/detect/pack/evaluate.js';
import { renderAlertSummary, summariseAlerts } from '../../src/detect/pack/summary.js';
import type { Rule } from '../../src/detect/rule.js';

const tunnel: ScenarioTruth = {
  name: 'dns-tunnelling', subtle: false, window: { start: '2024-06-06T17:00:00Z', end: '2024-06-06T20:00:00Z' },
  entities: { hosts: ['HQ-WS0075.corp.contoso.com'], ips: [], domains: ['cdn-sync-telemetry.net'], urls: [] },
};
const upload: ScenarioTruth = {
  name: 'ftp-exfiltration', subtle: false, window: { start: '2024-06-08T02:00:00Z', end: '2024-06-08T03:00:00Z' },
  entities: { hosts: ['FS01.corp.contoso.com'], ips: ['137.74.20.126'], domains: [], urls: [] },
};

function alert(ruleId: string, windowStart: string, windowEnd: string, entities: Entity[]): Alert {
  return {
    alertId: `${ruleId}-${windowEnd}-${JSON.stringify(entities)}`, ruleId, ruleName: `Rule ${ruleId}`, ruleFile: `${ruleId}.yaml`, severity: 'Medium',
    displayName: `alert of ${ruleId}`, description: '', tactics: [], techniques: [], runTime: windowEnd, windowStart, windowEnd,
    aggregationKind: 'AlertPerResult', entities, customDetails: {}, dynamicProperties: {}, resultCount: 1, rows: [],
  };
}

const host = (name: string): Entity => ({ type: 'Host', identifiers: { FullName: name } });
const ip = (address: string): Entity => ({ type: 'IP', identifiers: { Address: address } });
const dns = (domain: string): Entity => ({ type: 'DNS', identifiers: { DomainName: domain } });
const day = (d: number): string => `2024-06-${String(d).padStart(2, '0')}T12:00:00Z`;

test('an alert matches a scenario when its window overlaps and it names one of its entities', () => {
  const hostOfIp = new Map([['10.10.1.85', 'hq-ws0075.corp.contoso.com']]);
  assert.ok(alertMatches(alert('a', day(6), day(7), [host('hq-ws0075.corp.contoso.com')]), tunnel, hostOfIp), 'host names are case-insensitive');
  assert.ok(alertMatches(alert('a', day(6), day(7), [ip('10.10.1.85')]), tunnel, hostOfIp), 'an internal address resolves to its host');
  assert.ok(alertMatches(alert('a', day(6), day(7), [dns('sync-telemetry.net')]), tunnel, hostOfIp) === false, 'a different domain is not a parent');
  assert.ok(alertMatches(alert('a', day(6), day(7), [dns('cdn-sync-telemetry.net')]), tunnel, hostOfIp));
  assert.ok(!alertMatches(alert('a', day(7), day(8), [host('hq-ws0075.corp.contoso.com')]), tunnel, hostOfIp), 'a window after the scenario');
  assert.ok(!alertMatches(alert('a', day(6), day(7), [host('hq-ws0001.corp.contoso.com'), ip('8.8.8.8')]), tunnel, hostOfIp), 'other entities');
  assert.ok(alertMatches(alert('b', day(7), day(8), [ip('137.74.20.126')]), upload, hostOfIp), 'an external address');
});

test('evaluate: caught scenarios, false positives per day, precision and recall per rule', () => {
  const alerts = [
    alert('r1', day(6), day(7), [dns('cdn-sync-telemetry.net')]),
    alert('r1', day(9), day(10), [host('hq-ws0003.corp.contoso.com')]),
    alert('r2', day(7), day(8), [host('fs01.corp.contoso.com')]),
    alert('r2', day(7), day(8), [host('fs01.corp.contoso.com')]),
  ];
  const e = evaluate({
    scenarios: [tunnel, upload], alerts, days: 4, hostOfIp: new Map(),
    ruleKeys: new Map([['r1', 'dns-rule'], ['r2', 'ftp-rule']]),
    targets: { 'dns-rule': ['dns-tunnelling'], 'ftp-rule': ['ftp-exfiltration', 'dns-tunnelling'], 'quiet-rule': ['ftp-exfiltration'] },
  });
  assert.deepEqual(e.scenarios.map((s) => [s.name, s.caught, s.rules]), [['dns-tunnelling', true, ['dns-rule']], ['ftp-exfiltration', true, ['ftp-rule']]]);
  assert.equal(e.falsePositives, 1);
  assert.equal(e.falsePositivesPerDay, 0.25);
  const byRule = Object.fromEntries(e.rules.map((r) => [r.rule, r]));
  assert.equal(byRule['dns-rule']!.precision, 0.5);
  assert.equal(byRule['dns-rule']!.recall, 1);
  assert.equal(byRule['ftp-rule']!.precision, 1);
  assert.equal(byRule['ftp-rule']!.recall, 0.5);
  assert.equal(byRule['quiet-rule']!.precision, null);
  assert.equal(byRule['quiet-rule']!.recall, 0);
  const md = renderEvaluation(e, 'test');
  assert.match(md, /\*\*2 of 2\*\*/);
  assert.match(md, /\| dns-rule \| 2 \| 1 \| 1 \| 50% \| 100% \(1\/1\) \|/);
});

test('the start summary lists firing rules by alert count with hosts first, then the quiet ones', () => {
  const rule = (id: string, name: string): Rule => ({ id, name, severity: 'High' } as unknown as Rule);
  const alerts = [
    alert('r1', day(6), day(7), [ip('5.9.1.1'), host('a.corp')]),
    alert('r1', day(6), day(7), [ip('5.9.1.1'), host('b.corp')]),
    alert('r2', day(6), day(7), [dns('x.net')]),
  ];
  const summary = summariseAlerts([rule('r2', 'Two'), rule('r1', 'One'), rule('r3', 'Three')], alerts);
  assert.deepEqual(summary.map((s) => [s.ruleName, s.alerts]), [['One', 2], ['Two', 1], ['Three', 0]]);
  assert.deepEqual(summary[0]!.topEntities.map((e) => e.entity), ['a.corp', 'b.corp', 'IP:5.9.1.1']);
  const text = renderAlertSummary(summary);
  assert.match(text, /One +Medium +2 +a\.corp, b\.corp, IP:5\.9\.1\.1 \(2\)/);
  assert.match(text, /total: 3 alerts from 2 of 3 rules/);
  assert.match(text, /quiet: 1 rule raised no alert:\n  Three/);
});
