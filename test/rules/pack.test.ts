// The built-in rule pack as files: every rule validates cleanly (the detect module's CI
// checks), is a well-formed Sentinel scheduled rule of our own, and every watchlist it
// reads ships in content/watchlists with well-formed entries.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadRuleFile } from '../../src/detect/rule.js';
import { validateLoaded, validationEnvironment } from '../../src/detect/validate.js';
import { loadWatchlists } from '../../src/detect/watchlists.js';
import { ruleFilesIn } from '../../src/detect/pack/files.js';
import { RULE_TARGETS, ruleKey } from '../../src/detect/pack/expectations.js';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { REPO_ROOT } from '../util/paths.js';

const RULES = path.join(REPO_ROOT, 'content', 'rules');
const WATCHLISTS = path.join(REPO_ROOT, 'content', 'watchlists');
const files = ruleFilesIn([RULES]);
const env = validationEnvironment(loadSchemaCatalog());

test('the pack has a rule file for every seed detection and every new detection', () => {
  assert.ok(files.length >= 22, `only ${files.length} rule files`);
  assert.deepEqual(files.map(ruleKey).sort(), Object.keys(RULE_TARGETS).sort());
});

for (const file of files) {
  test(`${path.basename(file)} passes validation with no errors or warnings`, () => {
    const loaded = loadRuleFile(file);
    assert.equal(loaded.rules.length, 1);
    const findings = validateLoaded(loaded, env).map((f) => `${f.severity} [${f.check}] ${f.message}`);
    assert.deepEqual(findings, []);
  });
}

test('every rule is a complete Sentinel scheduled rule with a unique fixed GUID', () => {
  const ids = new Set<string>();
  for (const file of files) {
    const rule = loadRuleFile(file).rules[0]!;
    const where = path.basename(file);
    assert.match(rule.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, where);
    assert.ok(!ids.has(rule.id), `${where}: duplicate id ${rule.id}`);
    ids.add(rule.id);
    assert.equal(rule.kind, 'Scheduled', where);
    for (const field of ['requiredDataConnectors', 'entityMappings', 'customDetails', 'eventGroupingSettings', 'version', 'tactics', 'relevantTechniques']) {
      assert.ok(rule.fields.has(field), `${where}: no ${field}`);
    }
    assert.match(rule.description, /False positives:/, `${where}: the description must give false-positive guidance`);
    assert.ok(rule.requiredDataConnectors.length > 0 && rule.entityMappings.length > 0, where);
    assert.ok(rule.tactics.length > 0 && rule.techniques.length > 0, where);
  }
});

test('seed faults are fixed: no count() filter after summarize, no method search in an IP column, no placeholders', () => {
  for (const file of files) {
    const q = loadRuleFile(file).rules[0]!.query;
    assert.doesNotMatch(q, /\|\s*where\s+count\(\)/, path.basename(file));
    assert.doesNotMatch(q, /RemoteIP\s+has\s+"POST"/i, path.basename(file));
    assert.doesNotMatch(q, /GOES HERE|"IP1"/, path.basename(file));
    assert.doesNotMatch(q, /\{\{\w+\}\}/, `${path.basename(file)}: scheduled rules get no placeholder values`);
  }
});

test('every watchlist a rule reads ships with the pack, and its entries are well formed', () => {
  const watchlists = loadWatchlists([WATCHLISTS]);
  for (const file of files) {
    const q = loadRuleFile(file).rules[0]!.query;
    for (const m of q.matchAll(/_GetWatchlist\('([^']+)'\)/g)) assert.ok(watchlists.has(m[1]!.toLowerCase()), `${path.basename(file)}: no watchlist ${m[1]}`);
  }
  const allow = fs.readFileSync(path.join(WATCHLISTS, 'ExfilAllowlist.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  assert.ok(allow.length > 20);
  for (const [indicator, type] of allow) {
    if (type === 'cidr') {
      const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(indicator!);
      assert.ok(m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32, `bad CIDR ${indicator}`);
    } else {
      assert.equal(type, 'domain', `unknown indicator type for ${indicator}`);
      assert.match(indicator!, /^[a-z0-9-]+(\.[a-z0-9-]+)+$/, `bad domain ${indicator}`);
    }
  }
});
