// Every real Sentinel rule file (../shared/sentinel/rules, 630) validates without crashing, and
// our verdict on each query (valid or not) agrees with Microsoft's analyser given the same
// table and function schemas. Queries kqlhunt refuses to run (query-unsupported) are valid
// KQL, so they count as valid here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { loadRuleFile } from '../../src/detect/rule.js';
import { validateLoaded, validationEnvironment } from '../../src/detect/validate.js';
import { loadOracle } from '../util/oracle.js';
import { SHARED } from '../util/paths.js';
import { oracleGlobals } from '../oracle/schema-diff.js';

const RULES = path.join(SHARED, 'sentinel', 'rules');

function ruleFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? ruleFiles(p) : /\.ya?ml$/i.test(e.name) ? [p] : [];
  }).sort();
}

/** Agreement with the oracle on query validity must stay at least this high. */
const MIN_AGREEMENT = 0.99;

test('all 630 real rules validate without crashing; query verdicts agree with the official analyser', () => {
  const files = ruleFiles(RULES);
  assert.equal(files.length, 630);
  const catalog = loadSchemaCatalog();
  const env = validationEnvironment(catalog);
  const K = loadOracle();
  const globals = oracleGlobals(K, catalog);
  let agree = 0;
  let compared = 0;
  const disagreements: string[] = [];
  for (const file of files) {
    const loaded = loadRuleFile(file);
    const findings = validateLoaded(loaded, env);
    for (const f of findings) {
      assert.ok(Number.isInteger(f.start) && f.start >= 0 && f.start <= loaded.text.length, `${file}: finding offset out of range`);
    }
    const rule = loaded.rules[0];
    if (!rule) continue;
    const ours = findings.some((f) => (f.check === 'query-syntax' || f.check === 'query-semantic') && f.severity === 'error');
    const diags = K.KustoCode.ParseAndAnalyze(rule.query, globals).GetDiagnostics();
    let theirs = false;
    for (let i = 0; i < diags.Count; i++) if (diags.getItem(i).Severity === 'Error') theirs = true;
    compared++;
    if (ours === theirs) agree++;
    else disagreements.push(`${path.relative(RULES, file)}: ours ${ours ? 'invalid' : 'valid'}, oracle ${theirs ? 'invalid' : 'valid'}`);
  }
  const rate = agree / compared;
  console.log(`validate vs oracle on query validity: ${agree}/${compared} agree (${(rate * 100).toFixed(1)}%)`);
  for (const d of disagreements.slice(0, 20)) console.log(`  ${d}`);
  assert.ok(compared >= 625, `only ${compared} rules had a query`);
  assert.ok(rate >= MIN_AGREEMENT, `agreement ${(rate * 100).toFixed(1)}% is below ${MIN_AGREEMENT * 100}%`);
});
