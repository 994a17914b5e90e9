import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../src/detect/duration.js';
import { loadRuleText } from '../../src/detect/rule.js';
import { ARM_TEMPLATE } from './arm-fixture.js';

test('durations: repository and ISO 8601 spellings', () => {
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('14d'), 14 * 86_400_000);
  assert.equal(parseDuration('PT1H'), 3_600_000);
  assert.equal(parseDuration('P1D'), 86_400_000);
  assert.equal(parseDuration('PT5M'), 300_000);
  assert.equal(parseDuration('P1DT12H'), 36 * 3_600_000);
  assert.equal(parseDuration('P'), undefined);
  assert.equal(parseDuration('PT'), undefined);
  assert.equal(parseDuration('1 fortnight'), undefined);
  assert.equal(parseDuration('P1M'), undefined, 'months have no fixed length');
  assert.equal(formatDuration(86_400_000), '1d');
  assert.equal(formatDuration(90 * 60_000), '90m');
});

const YAML_RULE = `id: 11111111-2222-4333-8444-555555555555
name: Test rule
description: A test
severity: high
queryFrequency: PT1H
queryPeriod: 1d
triggerOperator: GreaterThan
triggerThreshold: 2
tactics:
  - Discovery
techniques:
  - T1046
query: |
  Syslog
  | where SyslogMessage has "x"
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: HostIP
customDetails:
  Msg: SyslogMessage
eventGroupingSettings:
  aggregationKind: AlertPerResult
suppressionEnabled: true
suppressionDuration: 2h
version: 1.0.1
kind: Scheduled
`;

test('YAML rule: spellings normalised into one model', () => {
  const loaded = loadRuleText('r.yaml', YAML_RULE);
  assert.deepEqual(loaded.problems, []);
  const [rule] = loaded.rules;
  assert.ok(rule);
  assert.equal(rule.kind, 'Scheduled');
  assert.equal(rule.severity, 'High');
  assert.equal(rule.queryFrequencyMs, 3_600_000);
  assert.equal(rule.queryPeriodMs, 86_400_000);
  assert.equal(rule.triggerOperator, 'gt');
  assert.equal(rule.triggerThreshold, 2);
  assert.deepEqual(rule.techniques, ['T1046']);
  assert.deepEqual(rule.entityMappings, [{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'HostIP' }] }]);
  assert.deepEqual(rule.customDetails, { Msg: 'SyslogMessage' });
  assert.equal(rule.aggregationKind, 'AlertPerResult');
  assert.equal(rule.suppressionEnabled, true);
  assert.equal(rule.suppressionDurationMs, 7_200_000);
  assert.equal(rule.version, '1.0.1');
  assert.equal(rule.query, 'Syslog\n| where SyslogMessage has "x"\n');
});

test('YAML rule: query offsets map to the block scalar lines, CRLF or not', () => {
  for (const text of [YAML_RULE, YAML_RULE.replace(/\n/g, '\r\n')]) {
    const rule = loadRuleText('r.yaml', text).rules[0]!;
    const offset = rule.query.indexOf('SyslogMessage');
    const pos = rule.source.lineCol(rule.source.queryToFile(offset));
    assert.deepEqual(pos, { line: 15, col: 11 });
    const span = rule.source.span(['entityMappings', 0, 'fieldMappings', 0, 'columnName'])!;
    assert.deepEqual(rule.source.lineCol(span.start), { line: 20, col: 21 });
  }
});

test('hunting queries: no kind and no schedule', () => {
  const rule = loadRuleText('h.yaml', 'id: 11111111-2222-4333-8444-555555555555\nname: h\ndescription: d\nquery: |\n  T | take 1\n').rules[0]!;
  assert.equal(rule.kind, 'Hunting');
});

test('bad field values are problems with positions, and the rule is kept', () => {
  const bad = YAML_RULE.replace('severity: high', 'severity: Catastrophic').replace('queryPeriod: 1d', 'queryPeriod: soon').replace('triggerOperator: GreaterThan', 'triggerOperator: above');
  const loaded = loadRuleText('r.yaml', bad);
  assert.equal(loaded.rules.length, 1);
  const messages = loaded.problems.map((p) => `${loaded.lineCol(p.start).line}: ${p.message}`);
  assert.ok(messages.some((m) => m.startsWith('4: ') && /severity 'Catastrophic'/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('6: ') && /not a duration/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('7: ') && /triggerOperator 'above'/.test(m)), messages.join('\n'));
});

test('invalid YAML is a problem, not an exception', () => {
  const loaded = loadRuleText('x.yaml', 'id: [unclosed\nquery: |\n  T\n');
  assert.equal(loaded.rules.length, 0);
  assert.equal(loaded.problems[0]?.check, 'rule-file');
});



test('ARM export: properties normalised, id from the resource name, query offsets through JSON escapes', () => {
  const loaded = loadRuleText('rule.json', ARM_TEMPLATE);
  assert.deepEqual(loaded.problems, []);
  const rule = loaded.rules[0]!;
  assert.equal(rule.id, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
  assert.equal(rule.name, 'ARM rule');
  assert.equal(rule.kind, 'Scheduled');
  assert.equal(rule.queryFrequencyMs, 5 * 3_600_000);
  assert.equal(rule.queryPeriodMs, 86_400_000);
  assert.equal(rule.triggerOperator, 'gt');
  assert.deepEqual(rule.techniques, ['T1485']);
  assert.equal(rule.version, '1.2.0');
  assert.equal(rule.incidentConfiguration?.groupingConfiguration?.lookbackDurationMs, 5 * 3_600_000);
  const offset = rule.query.indexOf('"bad"');
  const fileOffset = rule.source.queryToFile(offset);
  assert.equal(ARM_TEMPLATE.slice(fileOffset, fileOffset + 7), '\\"bad\\"');
});
