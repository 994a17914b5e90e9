// Syntax verdicts agree with Microsoft's parser (Kusto.Language) on the Sentinel corpus, the
// seeds, and the hand-written construct cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOracle } from '../util/oracle.js';
import { INVALID_QUERIES, VALID_QUERIES } from '../syntax/cases.js';
import { diffSyntax, loadCorpusSamples, loadSeedSamples, oracleSyntaxErrors } from './syntax-diff.js';

const THRESHOLD = 0.995;

test('syntax verdicts agree with the oracle on corpus and seeds', () => {
  const samples = [...loadCorpusSamples(), ...loadSeedSamples()];
  const report = diffSyntax(samples, loadOracle());
  const rate = report.agree / report.total;
  console.log(`syntax verdicts: ${report.agree}/${report.total} agree (${(100 * rate).toFixed(2)}%)`);
  const show = [...report.oursOnlyErrors, ...report.theirsOnlyErrors].slice(0, 10)
    .map((d) => `${d.sample.id}\n  ours: ${d.ours[0] ?? '-'}\n  theirs: ${d.theirs[0] ?? '-'}`).join('\n');
  assert.ok(rate >= THRESHOLD, `agreement ${(100 * rate).toFixed(2)}% below ${100 * THRESHOLD}%\n${show}`);
});

test('construct cases are split as the oracle splits them', () => {
  const K = loadOracle();
  for (const text of VALID_QUERIES) assert.deepEqual(oracleSyntaxErrors(K, text), [], `oracle rejects ${JSON.stringify(text)}`);
  for (const text of INVALID_QUERIES) assert.ok(oracleSyntaxErrors(K, text).length > 0, `oracle accepts ${JSON.stringify(text)}`);
  const mixed = diffSyntax([...VALID_QUERIES, ...INVALID_QUERIES].map((text, i) => ({ id: `case ${i}`, text })), K);
  const wrong = [...mixed.oursOnlyErrors, ...mixed.theirsOnlyErrors].map((d) => d.sample.text);
  assert.deepEqual(wrong, []);
});
