// The whole Sentinel corpus (2,268 queries) parses and checks in one process well within the
// 5 s budget, and the checker finds nothing to report in the large majority of these valid
// rules (most of the rest reference tables the shared schemas do not describe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCorpus, corpusQueries } from './corpus-speed.js';
import { CODES } from '../../src/kql/semantics/diagnostics.js';

test('parse + check of the whole corpus takes under 5 s of CPU', () => {
  const queries = corpusQueries();
  assert.equal(queries.length, 2268);
  const r = checkCorpus(queries);
  assert.ok(r.cpuMs < 5000, `took ${r.cpuMs.toFixed(0)} ms CPU (${r.ms.toFixed(0)} ms wall)`);
  assert.ok(r.clean >= queries.length * 0.8, `only ${r.clean} queries without errors`);
  // An unknown-function error would mean a real ADX function is missing from the catalogue.
  assert.deepEqual(r.hits.filter((h) => h.code === CODES.unknownFunction).map((h) => `${h.path}: ${h.message}`), []);
});
