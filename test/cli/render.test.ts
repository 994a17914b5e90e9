import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { render, type OutputFormat, type ResultSet } from '../../src/cli/render.js';
import { readDelimited } from '../../src/io/csv.js';
import { buildTable, type LoadIssue, type RawTable } from '../../src/io/table-builder.js';
import type { TableSchema } from '../../src/kql/types.js';

function result(schema: TableSchema, rows: unknown[][]): ResultSet {
  const raw: RawTable = { file: 'x', header: schema.map((c) => c.name), rows: rows as RawTable['rows'], lineOf: (r) => ({ record: r + 1 }) };
  const built = buildTable([raw], schema);
  assert.deepEqual(built.issues, []);
  return { schema, table: built.table };
}

function text(r: ResultSet, format: OutputFormat, maxCellWidth?: number): string {
  let out = '';
  render(r, format, (s) => { out += s; }, { maxCellWidth });
  return out;
}

const SCHEMA: TableSchema = [
  { name: 'Computer', type: 'string' },
  { name: 'Bytes', type: 'long' },
  { name: 'When', type: 'datetime' },
  { name: 'Bag', type: 'dynamic' },
  { name: 'Ok', type: 'bool' },
];
const ROWS = [
  ['host-a', '1200', '2024-01-02T03:04:05Z', '{"a":[1,2]}', 'true'],
  ['b, "quoted"', null, null, null, null],
];

test('json: exactly one object with columns and rows', () => {
  const out = text(result(SCHEMA, ROWS), 'json');
  const parsed = JSON.parse(out) as { columns: unknown; rows: unknown[][] };
  assert.deepEqual(parsed.columns, SCHEMA);
  assert.equal(parsed.rows.length, 2);
  assert.equal(parsed.rows[0]![0], 'host-a');
  assert.equal(parsed.rows[0]![1], 1200);
  assert.deepEqual(parsed.rows[0]![3], { a: [1, 2] });
  assert.equal(parsed.rows[0]![4], true);
  assert.deepEqual(parsed.rows[1]!.slice(1), [null, null, null, null]);
  assert.equal(out.trimEnd().split('\n').length, 1);
});

test('ndjson: one object per row', () => {
  const lines = text(result(SCHEMA, ROWS), 'ndjson').trimEnd().split('\n');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(first), ['Computer', 'Bytes', 'When', 'Bag', 'Ok']);
  assert.equal(first['Bytes'], 1200);
});

test('csv: RFC 4180 with a header row and CRLF; nulls are empty', () => {
  const out = text(result(SCHEMA, ROWS), 'csv');
  assert.equal(out, [
    'Computer,Bytes,When,Bag,Ok',
    'host-a,1200,2024-01-02T03:04:05.0000000Z,"{""a"":[1,2]}",true',
    '"b, ""quoted""",,,,',
    '',
  ].join('\r\n'));
});

test('property: csv output reads back to the same strings', () => {
  fc.assert(fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 10 }), (values) => {
    const r = result([{ name: 's', type: 'string' }], values.map((v) => [v]));
    const issues: LoadIssue[] = [];
    const back = readDelimited(text(r, 'csv'), 'x.csv', ',', issues);
    assert.deepEqual(back.rows.map((row) => row[0] ?? ''), values.filter((v) => v !== ''), 'blank lines (a lone empty string) are skipped by design');
  }), { numRuns: 100 });
});

test('table: aligned columns, numbers right-aligned, compact dynamic, a row-count footer', () => {
  const out = text(result(SCHEMA, ROWS), 'table');
  const lines = out.split('\n');
  assert.match(lines[0]!, /^Computer\s+Bytes\s+When\s+Bag\s+Ok$/);
  assert.match(lines[1]!, /^-+ {2}-+ {2}-+ {2}-+ {2}-+$/);
  assert.ok(lines[2]!.includes('{"a":[1,2]}'));
  const bytesEnd = lines[0]!.indexOf('Bytes') + 'Bytes'.length;
  assert.equal(lines[2]!.slice(0, bytesEnd).endsWith('1200'), true, 'numbers are right-aligned under their header');
  assert.equal(lines[4], '(2 rows)');
});

test('table: long cells are cut with an ellipsis and newlines shown escaped', () => {
  const r = result([{ name: 'msg', type: 'string' }], [['x'.repeat(100)], ['two\nlines']]);
  const out = text(r, 'table', 20);
  assert.ok(out.includes(`${'x'.repeat(19)}…`));
  assert.ok(!out.includes('x'.repeat(20)));
  assert.ok(out.includes('two\\nlines'));
  assert.match(out, /\(2 rows\)\n$/);
});

test('table: an empty result still says so', () => {
  const out = text(result([{ name: 'a', type: 'long' }], []), 'table');
  assert.equal(out, 'a\n-\n(0 rows)\n');
});
