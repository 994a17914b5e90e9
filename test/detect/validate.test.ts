import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { loadRuleText } from '../../src/detect/rule.js';
import { validateLoaded, validationEnvironment, type Finding } from '../../src/detect/validate.js';
import { formatJson, formatSarif, formatText, type FileReport } from '../../src/detect/report.js';

const env = validationEnvironment(loadSchemaCatalog());

const BASE = `id: 11111111-2222-4333-8444-555555555555
name: Base rule
description: Valid in every respect
severity: Medium
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - CredentialAccess
relevantTechniques:
  - T1110
query: |
  Syslog
  | where SyslogMessage has "Failed password"
  | summarize Failures = count() by HostName, HostIP
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: HostName
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: HostIP
customDetails:
  Failures: Failures
alertDetailsOverride:
  alertDisplayNameFormat: 'Failures on {{HostName}}'
version: 1.0.0
kind: Scheduled
`;

function findings(text: string): Finding[] {
  return validateLoaded(loadRuleText('rule.yaml', text), env);
}

function checksOf(text: string): string[] {
  return findings(text).filter((f) => f.severity === 'error').map((f) => f.check);
}

test('the base rule is clean', () => {
  assert.deepEqual(findings(BASE), []);
});

const entity = (type: string, ids: [string, string][]): string =>
  `  - entityType: ${type}\n    fieldMappings:\n${ids.map(([i, c]) => `      - identifier: ${i}\n        columnName: ${c}\n`).join('')}`;

const CASES: [string, string, (t: string) => string][] = [
  ['query-frequency', 'frequency below 5m', (t) => t.replace('queryFrequency: 1h', 'queryFrequency: 4m').replace('queryPeriod: 1h', 'queryPeriod: 4m')],
  ['query-frequency', 'frequency above 14d', (t) => t.replace('queryFrequency: 1h', 'queryFrequency: 15d').replace('queryPeriod: 1h', 'queryPeriod: 14d')],
  ['query-period', 'period above 14d', (t) => t.replace('queryPeriod: 1h', 'queryPeriod: P15D')],
  ['period-frequency', 'period shorter than frequency', (t) => t.replace('queryFrequency: 1h', 'queryFrequency: 2h')],
  ['long-period-frequency', 'a 2d period run every 30m', (t) => t.replace('queryFrequency: 1h', 'queryFrequency: 30m').replace('queryPeriod: 1h', 'queryPeriod: 2d')],
  ['entity-mapping-count', 'six entity mappings', (t) => t.replace('customDetails:', entity('Host', [['HostName', 'HostName']]).repeat(4) + 'customDetails:')],
  ['entity-mapping-count', 'four identifiers in one mapping', (t) => t.replace('customDetails:', entity('Host', [['HostName', 'HostName'], ['NTDomain', 'HostName'], ['DnsDomain', 'HostName'], ['OSFamily', 'HostName']]) + 'customDetails:')],
  ['entity-type', 'unknown entity type', (t) => t.replace('entityType: Host', 'entityType: Server')],
  ['entity-identifier', 'identifier of another type', (t) => t.replace('identifier: Address', 'identifier: HostName')],
  ['custom-details', '21 custom details', (t) => t.replace('customDetails:\n', 'customDetails:\n' + Array.from({ length: 20 }, (_, i) => `  D${i}: Failures\n`).join(''))],
  ['alert-details-override', 'four placeholders', (t) => t.replace("'Failures on {{HostName}}'", "'{{HostName}} {{HostIP}} {{Failures}} {{HostName}}'")],
  ['mapped-column', 'entity column not in the result', (t) => t.replace('columnName: HostIP', 'columnName: SrcIp')],
  ['mapped-column', 'custom detail column not in the result', (t) => t.replace('  Failures: Failures', '  Failures: FailureCount')],
  ['mapped-column', 'override placeholder not in the result', (t) => t.replace('{{HostName}}', '{{Computer}}')],
  ['required-field', 'no severity', (t) => t.replace('severity: Medium\n', '')],
  ['required-field', 'id not a GUID', (t) => t.replace('id: 11111111-2222-4333-8444-555555555555', 'id: my-rule')],
  ['query-syntax', 'unbalanced parenthesis', (t) => t.replace('count()', 'count(')],
  ['query-semantic', 'unknown column', (t) => t.replace('has "Failed password"', 'has NoSuchColumn')],
  ['query-unsupported', 'a time-of-day datetime literal kqlhunt refuses', (t) => t.replace('has "Failed password"', 'has "x" and TimeGenerated > datetime("8:00:00 AM")')],
  ['tactic', 'unknown tactic', (t) => t.replace('- CredentialAccess', '- Hacking')],
  ['rule-field', 'bad trigger operator', (t) => t.replace('triggerOperator: gt', 'triggerOperator: more')],
];

for (const [check, what, edit] of CASES) {
  test(`check ${check} fires: ${what}`, () => {
    const text = edit(BASE);
    assert.notEqual(text, BASE, 'the edit must change the rule');
    assert.ok(checksOf(text).includes(check), `${check} expected, got ${JSON.stringify(findings(text))}`);
  });
}

test('spelling-only mistakes are warnings', () => {
  const f = findings(BASE.replace('entityType: IP', 'entityType: ip').replace('- CredentialAccess', '- Credential access'));
  assert.deepEqual(f.map((x) => [x.check, x.severity]).sort(), [['entity-type', 'warning'], ['tactic', 'warning']]);
});

test('query diagnostics point into the YAML query block', () => {
  const r = loadRuleText('rule.yaml', BASE.replace('has "Failed password"', 'has NoSuchColumn'));
  const [f] = validateLoaded(r, env);
  assert.ok(f);
  const report: FileReport = { file: 'rule.yaml', lineCol: r.lineCol, findings: [f], rules: 1 };
  assert.match(formatText([report]), /^rule\.yaml:15:29: error: .*NoSuchColumn.* \[query-semantic\]$/m);
});

test('SARIF 2.1.0 shape: rules per check, results with the YAML region', () => {
  const r = loadRuleText('rules/rule.yaml', BASE.replace('columnName: HostIP', 'columnName: SrcIp'));
  const report: FileReport = { file: 'rules/rule.yaml', lineCol: r.lineCol, findings: validateLoaded(r, env), rules: 1 };
  const sarif = JSON.parse(formatSarif([report], '1.2.3', process.cwd()));
  assert.equal(sarif.version, '2.1.0');
  assert.match(sarif.$schema, /sarif-2\.1\.0/);
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'kqlhunt');
  assert.equal(run.tool.driver.version, '1.2.3');
  const ids = run.tool.driver.rules.map((x: { id: string }) => x.id);
  assert.ok(ids.includes('mapped-column') && ids.includes('query-syntax'));
  assert.equal(run.results.length, 1);
  const res = run.results[0];
  assert.equal(res.ruleId, 'mapped-column');
  assert.equal(ids[res.ruleIndex], 'mapped-column');
  assert.equal(res.level, 'error');
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'rules/rule.yaml');
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
  assert.deepEqual(
    [res.locations[0].physicalLocation.region.startLine, res.locations[0].physicalLocation.region.startColumn],
    [25, 21],
  );
  const json = JSON.parse(formatJson([report]));
  assert.equal(json.errors, 1);
  assert.equal(json.files[0].findings[0].line, 25);
});
