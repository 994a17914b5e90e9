// series_* result shapes against Microsoft's analyzer (Kusto.Language): the columns an unnamed
// call produces (names and types, for the tuple-valued functions) and the single result type
// of the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesFunctions } from '../../src/kql/functions/scalar/series.js';
import type { ScalarFunctionDef } from '../../src/kql/functions/registry.js';
import { loadOracle } from '../util/oracle.js';
import { KNOWN_FUNCTIONS } from '../../src/kql/semantics/known-functions.js';

/** A valid call of each function on the dynamic column `x` (and `y`). */
const SAMPLE_CALLS: Record<string, string> = {
  series_stats: 'series_stats(x)',
  series_stats_dynamic: 'series_stats_dynamic(x)',
  series_fit_line: 'series_fit_line(x)',
  series_fit_line_dynamic: 'series_fit_line_dynamic(x)',
  series_fit_2lines: 'series_fit_2lines(x)',
  series_fit_2lines_dynamic: 'series_fit_2lines_dynamic(x)',
  series_fit_poly: 'series_fit_poly(x, y, int(2))',
  series_periods_detect: 'series_periods_detect(x, 4.0, 10.0, 2)',
  series_periods_validate: 'series_periods_validate(x, 4.0, 5.0)',
  series_decompose: "series_decompose(x, -1, 'linefit', 0, 0.6)",
  series_decompose_anomalies: "series_decompose_anomalies(x, 1.5, -1, 'linefit', 0, 'ctukey', 0.6)",
  series_fft: 'series_fft(x)',
  series_ifft: 'series_ifft(x, y)',
  series_fir: 'series_fir(x, dynamic([1, 1]), true, false)',
  series_iir: 'series_iir(x, dynamic([1]), dynamic([1, -0.5]))',
  series_outliers: "series_outliers(x, 'ctukey', 0, 10.0, 90.0)",
  series_fill_forward: 'series_fill_forward(x)',
  series_fill_backward: 'series_fill_backward(x)',
  series_fill_const: 'series_fill_const(x, 0)',
  series_fill_linear: 'series_fill_linear(x, 0, true, 0)',
  series_cosine_similarity: 'series_cosine_similarity(x, y, 1.0, 1.0)',
  series_dot_product: 'series_dot_product(x, 2)',
  series_pearson_correlation: 'series_pearson_correlation(x, y)',
  series_seasonal: 'series_seasonal(x, 3)',
};

function sampleCall(def: ScalarFunctionDef): string {
  if (SAMPLE_CALLS[def.name]) return SAMPLE_CALLS[def.name]!;
  return def.params.filter((p) => !p.optional).length === 2 ? `${def.name}(x, y)` : `${def.name}(x)`;
}

/** Columns the oracle adds after `x` and `y` for `extend <call>`, with the diagnostics it reports. */
function oracleColumns(call: string): { columns: { name: string; type: string }[]; errors: string[] } {
  const K = loadOracle();
  const code = K.KustoCode.ParseAndAnalyze(`print x = dynamic([1, 2, 3]), y = dynamic([4, 5, 6]) | extend ${call}`, K.GlobalState.Default);
  const diagnostics = code.GetDiagnostics();
  const errors: string[] = [];
  for (let i = 0; i < diagnostics.Count; i++) errors.push(diagnostics.getItem(i).Message);
  const columns: { name: string; type: string }[] = [];
  const all = code.ResultType.Columns;
  for (let i = 2; i < all.Count; i++) columns.push({ name: all.getItem(i).Name, type: all.getItem(i).Type.Name });
  return { columns, errors };
}

const X = [{ type: 'dynamic' as const, columnName: 'x' }, { type: 'dynamic' as const, columnName: 'y' }];

test('tuple-valued series functions name and type their columns as Kusto.Language does', () => {
  for (const def of seriesFunctions) {
    // Documented divergence: Kusto.Language types series_decompose_forecast as a 4-column tuple;
    // the docs (and ADX) return the single forecast series.
    if (def.name === 'series_decompose_forecast') continue;
    const { columns, errors } = oracleColumns(sampleCall(def));
    assert.deepEqual(errors, [], `${def.name}: the sample call is valid`);
    const names = def.tupleNamesFor?.(X) ?? def.tupleNames;
    if (names === undefined) {
      // Single-valued: FirstArgument-named functions replace `x` and add no column.
      if (columns.length === 0) continue;
      assert.equal(columns.length, 1, `${def.name} yields one column`);
      const returns = typeof def.returns === 'function' ? def.returns(X) : def.returns;
      assert.equal(columns[0]!.type, returns === 'real' ? 'real' : returns, `${def.name} result type`);
      continue;
    }
    assert.deepEqual(names, columns.map((c) => c.name), `${def.name} column names`);
    const types = def.tupleTypes ?? names.map(() => def.returns as string);
    assert.deepEqual(types, columns.map((c) => c.type), `${def.name} column types`);
  }
});

test('every series function matches the oracle catalogue in name and argument counts', () => {
  for (const d of seriesFunctions) {
    const known = KNOWN_FUNCTIONS.find((k) => k.name === d.name && k.kind === 'scalar');
    assert.ok(known, `${d.name} is not an ADX function`);
    const min = d.params.filter((p) => !p.optional).length;
    const max = d.params.some((p) => p.repeat) ? Infinity : d.params.length;
    assert.equal(min, known.min, `${d.name}: minimum argument count`);
    // series_outliers/series_seasonal: the catalogue's undocumented last argument is refused at run time.
    if (d.name === 'series_outliers') { assert.equal(known.max, 6); continue; }
    if (d.name === 'series_seasonal') { assert.equal(known.max, 3); continue; }
    if (max !== Infinity) assert.ok(max >= known.max, `${d.name}: maximum argument count ${max} < ${known.max}`);
  }
  // Every series_* function in the catalogue is implemented.
  const implemented = new Set(seriesFunctions.map((d) => d.name));
  const missing = KNOWN_FUNCTIONS.filter((k) => k.kind === 'scalar' && k.name.startsWith('series_') && !implemented.has(k.name)).map((k) => k.name);
  assert.deepEqual(missing, []);
});
