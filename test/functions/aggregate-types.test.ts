// Result types of every aggregate, checked against Microsoft's parser (the oracle): for each
// call, the first result column's type must equal what our `returns` rule computes, and calls
// the oracle rejects must be rejected by our rule too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinFunctions } from '../../src/kql/functions/index.js';
import type { ArgInfo } from '../../src/kql/functions/registry.js';
import type { ScalarType } from '../../src/kql/types.js';
import { loadOracle } from '../util/oracle.js';

const COLUMNS: Record<string, ScalarType> = {
  i: 'int', l: 'long', r: 'real', d: 'decimal', s: 'string', b: 'bool', dt: 'datetime', ts: 'timespan', g: 'guid', dy: 'dynamic',
};
const SCHEMA = Object.entries(COLUMNS).map(([n, t]) => `${n}:${t}`).join(',');

/** Calls: column names become typed ArgInfo; numbers become constants. */
const CALLS: [string, (string | number)[]][] = [
  ['count', []], ['countif', ['b']],
  ...['i', 'l', 'r', 'd', 'ts', 'b', 's'].map((c): [string, string[]] => ['sum', [c]]),
  ...['i', 'l', 'r', 'd', 'ts', 'dt', 's'].map((c): [string, string[]] => ['avg', [c]]),
  ...['i', 'l', 'r', 'd', 's', 'b', 'dt', 'ts', 'g', 'dy'].map((c): [string, string[]] => ['max', [c]]),
  ['min', ['s']], ['minif', ['dt', 'b']], ['maxif', ['i', 'b']], ['sumif', ['i', 'b']], ['sumif', ['r', 'b']], ['avgif', ['l', 'b']],
  ['dcount', ['s']], ['dcount', ['i', 2]], ['dcountif', ['s', 'b']], ['count_distinct', ['s']], ['count_distinctif', ['l', 'b']],
  ...['stdev', 'stdevp', 'variance', 'variancep'].flatMap((f) => ['i', 'r', 'd'].map((c): [string, string[]] => [f, [c]])),
  ['stdevif', ['r', 'b']], ['varianceif', ['l', 'b']],
  ['make_list', ['s']], ['make_list', ['i', 10]], ['make_list_if', ['s', 'b']], ['make_list_with_nulls', ['i']],
  ['make_set', ['dy']], ['make_set_if', ['i', 'b', 5]], ['make_bag', ['dy']], ['make_bag_if', ['dy', 'b']],
  ...['i', 'l', 'r', 'd', 'dt', 'ts'].map((c): [string, (string | number)[]] => ['percentile', [c, 50]]),
  ['percentiles', ['i', 5, 50]], ['percentiles_array', ['r', 5, 50]], ['percentilew', ['r', 'l', 50]], ['percentilesw', ['i', 'l', 5, 95]],
  ['percentilesw_array', ['r', 'l', 5]],
  ['hll', ['s']], ['hll_if', ['s', 'b']], ['hll_merge', ['dy']], ['tdigest', ['i']], ['tdigest_merge', ['dy']], ['buildschema', ['dy']],
  ['binary_all_and', ['l']], ['binary_all_or', ['i']], ['binary_all_xor', ['l']],
  ['take_any', ['s']], ['take_any', ['dt', 'r']], ['take_anyif', ['r', 'b']], ['any', ['ts']],
  ['arg_max', ['i', 's']], ['arg_min', ['dt', 'dy']], ['arg_max', ['s']],
];

test('aggregate result types match the oracle', () => {
  const K = loadOracle();
  const registry = builtinFunctions();
  const failures: string[] = [];
  for (const [fn, args] of CALLS) {
    const text = args.map(String).join(', ');
    const query = `datatable(${SCHEMA})[] | summarize ${fn}(${text})`;
    const code = K.KustoCode.ParseAndAnalyze(query, K.GlobalState.Default);
    const diagnostics = code.GetDiagnostics();
    let oracleError = false;
    for (let i = 0; i < diagnostics.Count; i++) if (diagnostics.getItem(i).Severity === 'Error') oracleError = true;
    const expected = oracleError ? 'error' : (code.ResultType.Columns.getItem(0).Type.Name as string);
    const def = registry.aggregate(fn);
    assert.ok(def, `${fn} is registered`);
    const infos: ArgInfo[] = args.map((a) => (typeof a === 'number' ? { type: 'long', constant: a } : { type: COLUMNS[a]!, columnName: a }));
    const rule = def.returns;
    const got = typeof rule === 'string' ? rule : rule(infos);
    const actual = got.startsWith('error:') ? 'error' : got;
    if (actual !== expected) failures.push(`${fn}(${text}): oracle ${expected}, ours ${actual}`);
  }
  assert.deepEqual(failures, []);
});

test('multi-column aggregates declare one type per output column', () => {
  const registry = builtinFunctions();
  const arg = (type: ScalarType): ArgInfo => ({ type });
  assert.deepEqual(registry.aggregate('arg_max')!.outputTypes!([arg('datetime'), arg('string'), arg('dynamic')]), ['datetime', 'string', 'dynamic']);
  assert.deepEqual(registry.aggregate('take_any')!.outputTypes!([arg('int'), arg('guid')]), ['int', 'guid']);
  assert.deepEqual(registry.aggregate('percentiles')!.outputTypes!([arg('int'), { type: 'long', constant: 5 }, { type: 'real', constant: 99.9 }]), ['long', 'long']);
  assert.match(String(registry.aggregate('arg_min')!.outputTypes!([arg('dynamic'), arg('int')])), /^error:/);
});
