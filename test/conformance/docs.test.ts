// Microsoft's KQL reference examples (test/golden/docs) against the tables the pages print.
// Prints the pass rate per group and overall, and fails if the overall rate outside the
// excluded groups drops below the ratchet in test/golden/docs/index.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadIndex, passRates, runAll } from './golden.js';

test('docs examples: pass rate does not fall below the ratchet', () => {
  const index = loadIndex();
  const outcomes = runAll();
  const rates = passRates(outcomes, index.excludedGroups);
  const pct = (p: number, t: number) => (t === 0 ? '-' : `${((100 * p) / t).toFixed(1)}%`);
  for (const [group, r] of [...rates.byGroup].sort()) {
    console.log(`  ${group.padEnd(22)} ${String(r.passed).padStart(4)}/${String(r.total).padEnd(4)} ${pct(r.passed, r.total)}`);
  }
  const { passed, total } = rates.overall;
  console.log(`  overall (excluding ${index.excludedGroups.join(', ')}): ${passed}/${total} ${pct(passed, total)}`);
  if (process.env.KQL_GOLDEN_VERBOSE) {
    for (const o of outcomes.filter((x) => !x.pass)) console.log(`  FAIL ${o.group}/${o.id}: ${o.reason}`);
  }
  assert.ok(total > 0, 'no golden cases found');
  assert.ok(passed / total >= index.minimumPassRate,
    `pass rate ${pct(passed, total)} is below the ratchet ${(100 * index.minimumPassRate).toFixed(1)}%; failures:\n` +
    outcomes.filter((x) => !x.pass && !index.excludedGroups.includes(x.group)).map((o) => `${o.group}/${o.id}: ${o.reason}`).join('\n'));
});
