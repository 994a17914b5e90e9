// Result schemas agree with Microsoft's parser on the network/exfiltration rules, and the
// checker rarely reports errors where the oracle reports none. See schema-diff.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMisspeltColumnRecall, runSchemaDiff, subsetQueries } from './schema-diff.js';

test('result schemas agree with the oracle on >= 95% of the 630 subset rules', () => {
  const r = runSchemaDiff();
  assert.ok(r.total >= 600, `expected the 630 subset rules, found ${r.total}`);
  assert.ok(r.bothClean >= r.total * 0.85, `too few rules analysed cleanly by both: ${r.bothClean}/${r.total}`);
  assert.ok(r.agreement >= 0.95, `schema agreement ${(r.agreement * 100).toFixed(1)}%: ${r.disagreements.slice(0, 3).map((d) => d.path).join(', ')}`);
  assert.ok(r.falsePositives.length <= r.total * 0.02, `false positives: ${r.falsePositives.map((f) => `${f.path}: ${f.ours[0]}`).join('; ')}`);
});

test('a misspelt column in a where is reported wherever the oracle reports it', () => {
  const sample = subsetQueries().filter((_, i) => i % 3 === 0);
  const r = runMisspeltColumnRecall(sample);
  assert.ok(r.mutated >= 150, `only ${r.mutated} rules could be mutated`);
  assert.ok(r.bothCaught >= r.oracleCaught * 0.98, `missed: ${r.missed.join(', ')}`);
});
