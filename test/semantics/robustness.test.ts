// The checker never throws, whatever the parser's error recovery hands it: every corpus query
// cut short at several points (mid-expression, mid-operator) still checks to diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from '../../src/kql/syntax/parser.js';
import { check } from '../../src/kql/semantics/checker.js';
import { corpusQueries } from './corpus-speed.js';
import { sharedCheckEnvironment } from './shared-env.js';

const env = sharedCheckEnvironment();
const queries = corpusQueries();

test('truncated corpus queries check without throwing', () => {
  const failures: string[] = [];
  for (let i = 0; i < queries.length; i += 5) {
    const q = queries[i]!.query;
    for (const cut of [0.25, 0.5, 0.8]) {
      const parsed = parse(q.slice(0, Math.floor(q.length * cut)));
      try {
        check(parsed.query, env);
      } catch (e) {
        failures.push(`${queries[i]!.path} cut at ${cut}: ${(e as Error).message}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('property: any prefix of a corpus query checks without throwing', () => {
  fc.assert(
    fc.property(fc.nat(queries.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), (i, frac) => {
      const q = queries[i]!.query;
      const parsed = parse(q.slice(0, Math.floor(q.length * frac)));
      const r = check(parsed.query, env);
      return r.diagnostics.every((d) => d.start <= d.end);
    }),
    { seed: 20240611, numRuns: 300 },
  );
});
