// The 15 seed queries against the 8 shared table schemas: 001-01a has two real faults (it reads
// BytesSent, which DeviceNetworkEvents lacks, and uses count() in a where after summarize);
// the other 14 are valid and must check cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '../../src/kql/syntax/parser.js';
import { check } from '../../src/kql/semantics/checker.js';
import { CODES } from '../../src/kql/semantics/diagnostics.js';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import { SEED_QUERIES } from '../util/paths.js';
import { seedTables } from './shared-env.js';

const env = { tables: seedTables(), registry: builtinFunctions() };
const files = fs.readdirSync(SEED_QUERIES).filter((f) => f.endsWith('.kql')).sort();

function checkSeed(file: string): { text: string; diagnostics: ReturnType<typeof check>['diagnostics']; result: ReturnType<typeof check> } {
  const text = fs.readFileSync(path.join(SEED_QUERIES, file), 'utf8');
  const parsed = parse(text);
  const result = check(parsed.query, env);
  return { text, diagnostics: [...parsed.diagnostics, ...result.diagnostics], result };
}

test('there are 15 seed queries', () => {
  assert.equal(files.length, 15);
});

test('001-01a: reports the unknown BytesSent column and the misused count()', () => {
  const file = files.find((f) => f.startsWith('001-01a'))!;
  const { text, diagnostics } = checkSeed(file);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const unknown = errors.find((d) => d.code === CODES.unknownColumn);
  assert.ok(unknown, 'expected an unknown-column error');
  assert.equal(text.slice(unknown.start, unknown.end), 'BytesSent');
  assert.match(unknown.message, /BytesSent/);
  const aggregate = errors.find((d) => d.code === CODES.aggregateOutsideSummarize);
  assert.ok(aggregate, 'expected an aggregate-outside-summarize error');
  assert.equal(text.slice(aggregate.start, aggregate.end), 'count()');
  assert.ok(aggregate.start > text.indexOf('| where count()'), 'the count() in the where, not in the summarize');
  assert.equal(errors.length, 2, errors.map((d) => d.message).join('; '));
});

for (const file of files.filter((f) => !f.startsWith('001-01a'))) {
  test(`${file}: checks without errors and has a result schema`, () => {
    const { diagnostics, result } = checkSeed(file);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), []);
    assert.ok(result.schema !== null && result.schema.length > 0);
  });
}
