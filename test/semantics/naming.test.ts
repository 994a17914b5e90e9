// ADX column naming, each expectation taken from Microsoft's parser (see naming.ts header).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  expressionName, uniqueColumnName, nextColumnName, extendColumnNames, projectColumnNames,
  summarizeColumnNames, makeSeriesColumnNames, printColumnNames, joinRightColumnNames, byPassThroughColumns,
} from '../../src/kql/semantics/naming.js';
import { bin, call, col, index, item, lit, member, paren, star } from './ast-builders.js';

test('expression names: columns, member access, index, parens', () => {
  assert.equal(expressionName(col('a')), 'a');
  assert.equal(expressionName(paren(col('a'))), 'a');
  assert.equal(expressionName(member(col('d'), 'x')), 'd_x');
  assert.equal(expressionName(member(member(col('d'), 'x'), 'y')), 'd_x_y');
  assert.equal(expressionName(index(col('d'), lit('string', 'y'))), 'd_y');
  assert.equal(expressionName(index(col('d'), lit('long', 0))), 'd_0');
  assert.equal(expressionName(index(col('d'), col('a'))), 'd_');
  assert.equal(expressionName(bin('+', col('a'), lit('long', 1))), '');
});

test('expression names: function result-name rules', () => {
  assert.equal(expressionName(call('tostring', col('a'))), 'a');
  assert.equal(expressionName(call('tostring', member(col('d'), 'x'))), 'd_x');
  assert.equal(expressionName(call('bin', col('TimeGenerated'), lit('timespan', 1))), 'TimeGenerated');
  assert.equal(expressionName(call('strlen', col('s'))), 'strlen_s');
  assert.equal(expressionName(call('strlen', bin('+', col('a'), lit('long', 1)))), 'strlen_');
  assert.equal(expressionName(call('strlen', call('tostring', col('a')))), 'strlen_a');
  assert.equal(expressionName(call('toupper', col('s'))), '');
  assert.equal(expressionName(call('iff', col('b'), col('s'), lit('string', 'x'))), '');
  assert.equal(expressionName(call('column_ifexists', lit('string', 's'), lit('string', '')), { hasInputColumn: (n) => n === 's' }), 's');
  assert.equal(expressionName(call('column_ifexists', lit('string', 'zz'), lit('string', '')), { hasInputColumn: (n) => n === 's' }), '');
  assert.equal(expressionName(call('tostring', col('a')), { isUserFunction: (n) => n === 'tostring' }), '');
});

test('unique names and ColumnN', () => {
  assert.equal(uniqueColumnName('a', new Set(['b'])), 'a');
  assert.equal(uniqueColumnName('a', new Set(['a', 'a1'])), 'a2');
  assert.equal(nextColumnName(new Set(['Column2'])), 'Column1');
  assert.equal(nextColumnName(new Set(['Column1', 'Column2'])), 'Column3');
});

test('extend: derived names may replace input columns; unnamed items get ColumnN', () => {
  // T | extend a+1, tostring(a), s, d.x, a*2
  const names = extendColumnNames(
    [item(bin('+', col('a'), lit('long', 1))), item(call('tostring', col('a'))), item(col('s')), item(member(col('d'), 'x')), item(bin('*', col('a'), lit('long', 2)))],
    ['a', 's', 'd', 'TimeGenerated', 'x'],
  );
  assert.deepEqual(names, [['Column1'], ['a'], ['s'], ['d_x'], ['Column2']]);
  // print Column2=1 | extend 2, 3  ->  Column1, Column3
  assert.deepEqual(extendColumnNames([item(lit('long', 2)), item(lit('long', 3))], ['Column2']), [['Column1'], ['Column3']]);
});

test('project: derived names are made unique against earlier items', () => {
  // T | project a1=a, tostring(a), a  ->  a1, a, a2
  assert.deepEqual(projectColumnNames([item(col('a'), 'a1'), item(call('tostring', col('a'))), item(col('a'))]), [['a1'], ['a'], ['a2']]);
  // T | project tostring(d.x), toint(s), tolong(x), floor(x, 1), todatetime(s)
  assert.deepEqual(
    projectColumnNames([item(call('tostring', member(col('d'), 'x'))), item(call('toint', col('s'))), item(call('tolong', col('x'))), item(call('floor', col('x'), lit('long', 1))), item(call('todatetime', col('s')))]),
    [['d_x'], ['s'], ['x'], ['x1'], ['s1']],
  );
});

test('summarize: prefixes, clash renaming, arg_max expansion, percentiles', () => {
  const input = ['a', 's', 'd', 'TimeGenerated', 'x'];
  const r = summarizeColumnNames(
    [item(call('count')), item(call('sum', col('a'))), item(call('dcount', col('s'))), item(call('countif', bin('>', col('a'), lit('long', 1)))),
      item(call('make_set', col('s'))), item(call('percentiles', col('a'), lit('long', 50), lit('long', 95))), item(call('arg_max', col('TimeGenerated'), col('a'))), item(call('count'))],
    [item(call('bin', col('TimeGenerated'), lit('timespan', 1))), item(call('tostring', member(col('d'), 'x'))), item(col('s'))],
    input,
  );
  assert.deepEqual(r.by, ['TimeGenerated', 'd_x', 's']);
  assert.deepEqual(r.aggregates, [['count_'], ['sum_a'], ['dcount_s'], ['countif_'], ['set_s'], ['percentile_a_50', 'percentile_a_95'], ['TimeGenerated1', 'a'], ['count_1']]);

  // summarize arg_max(TimeGenerated, *), arg_min(a, *) by s
  const r2 = summarizeColumnNames([item(call('arg_max', col('TimeGenerated'), star())), item(call('arg_min', col('a'), star()))], [item(col('s'))], input);
  assert.deepEqual(r2.aggregates, [['TimeGenerated', 'a', 'd', 'x'], ['a1', 'd1', 'TimeGenerated1', 'x1']]);

  // summarize arg_max(a+1, s), percentile(x, 99.5), take_any(s, a)
  const r3 = summarizeColumnNames([item(call('arg_max', bin('+', col('a'), lit('long', 1)), col('s'))), item(call('percentile', col('x'), lit('real', 99.5, '99.5'))), item(call('take_any', col('s'), col('a')))], [], input);
  assert.deepEqual(r3.aggregates, [['max_', 's'], ['percentile_x_99_5'], ['s1', 'a']]);

  // summarize sum(a)*2, count() by a+1, a*2  ->  Column1, Column2 (by), Column3, count_
  const r4 = summarizeColumnNames([item(bin('*', call('sum', col('a')), lit('long', 2))), item(call('count'))], [item(bin('+', col('a'), lit('long', 1))), item(bin('*', col('a'), lit('long', 2)))], input);
  assert.deepEqual({ by: r4.by, aggregates: r4.aggregates }, { by: ['Column1', 'Column2'], aggregates: [['Column3'], ['count_']] });

  // arg_max(a, *) by bin(TimeGenerated, 1h): ADX repeats TimeGenerated (the by-column is computed).
  const by = [item(call('bin', col('TimeGenerated'), lit('timespan', 1)))];
  const exact = summarizeColumnNames([item(call('arg_max', col('a'), star()))], by, input, {}, byPassThroughColumns(by));
  assert.deepEqual(exact.aggregates, [['a', 's', 'd', 'TimeGenerated1', 'x']]);
  assert.deepEqual(exact.passThrough, []);
  // Without the pass-through set, every by-column name is left out of the expansion.
  assert.deepEqual(summarizeColumnNames([item(call('arg_max', col('a'), star()))], by, input).aggregates, [['a', 's', 'd', 'x']]);
});

test('make-series, print, join clash renaming', () => {
  assert.deepEqual(makeSeriesColumnNames([item(call('count')), item(call('sum', col('a')))], col('TimeGenerated'), [item(col('s'))]),
    { by: ['s'], aggregates: ['count_', 'sum_a'], axis: 'TimeGenerated' });
  assert.deepEqual(printColumnNames([item(lit('long', 1)), item(lit('string', 'x')), item(lit('long', 2), 'a'), item(call('now'))]), [['print_0'], ['print_1'], ['a'], ['print_3']]);
  assert.deepEqual(joinRightColumnNames(['a', 's', 'TimeGenerated'], ['a', 's', 'y', 'TimeGenerated']), ['a1', 's1', 'y', 'TimeGenerated1']);
  // print X=1, X1=2 | join (print X=1, X1=2, X2=3) on X  ->  X3, X11, X2
  assert.deepEqual(joinRightColumnNames(['X', 'X1'], ['X', 'X1', 'X2']), ['X3', 'X11', 'X2']);
  // T | join (U | extend a1=1) on a  ->  a2, ..., a1
  assert.deepEqual(joinRightColumnNames(['a', 's'], ['a', 'y', 'a1']), ['a2', 'y', 'a1']);
});
