#!/usr/bin/env node
// Prints the docs-example pass rates and the failing cases as markdown, for docs/conformance.md.
// Run after the build: node tools/conformance-report.mjs
import { loadIndex, passRates, runAll } from '../dist/test/conformance/golden.js';

const index = loadIndex();
const outcomes = runAll();
const rates = passRates(outcomes, index.excludedGroups);
const pct = (p, t) => (t === 0 ? '-' : `${((100 * p) / t).toFixed(1)}%`);
console.log('| Group | Passed | Cases | Rate |\n|---|---:|---:|---:|');
for (const [g, r] of [...rates.byGroup].sort()) console.log(`| ${g} | ${r.passed} | ${r.total} | ${pct(r.passed, r.total)} |`);
console.log(`| **overall** (excluding ${index.excludedGroups.join(', ')}) | ${rates.overall.passed} | ${rates.overall.total} | ${pct(rates.overall.passed, rates.overall.total)} |`);
console.log('\n### Failing cases\n');
for (const o of outcomes.filter((x) => !x.pass)) {
  console.log(`- \`${o.group}/${o.id}\`: ${o.reason.replace(/\|/g, '\\|').slice(0, 300)}`);
}
