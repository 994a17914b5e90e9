import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../util/paths.js';
import { loadSchemaCatalog, parseSchemaDocument, schemaTypeFromName, SchemaFileError } from '../../src/io/schemas.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-schemas-'));
}

test('built-in catalogue knows the seed tables with their types', () => {
  const catalog = loadSchemaCatalog();
  assert.deepEqual(catalog.errors, []);
  for (const name of ['VMConnection', 'CommonSecurityLog', 'DnsEvents', 'DeviceNetworkEvents', 'DeviceFileEvents', 'DeviceProcessEvents', 'Syslog', 'WireData']) {
    const cols = catalog.table(name);
    assert.ok(cols, `${name} missing`);
    assert.equal(cols.find((c) => c.name === 'TimeGenerated')?.type, 'datetime', name);
  }
  assert.equal(catalog.table('DeviceNetworkEvents')!.find((c) => c.name === 'RemotePort')?.type, 'int');
  assert.equal(catalog.table('VMConnection')!.find((c) => c.name === 'BytesSent')?.type, 'long');
});

test('built-in catalogue holds Sentinel CI tables and functions', () => {
  const catalog = loadSchemaCatalog();
  assert.ok(catalog.tables.size > 200, `only ${catalog.tables.size} tables`);
  assert.ok(catalog.table('SigninLogs'));
  assert.ok(catalog.table('AADUserInfo_CL'), 'custom tables are named by their name field, not the file name');
  const watchlist = catalog.function('_GetWatchlist');
  assert.ok(watchlist);
  assert.deepEqual(watchlist.params, [{ name: 'watchlist', type: 'string', required: false }]);
  assert.deepEqual(watchlist.columns.map((c) => c.name), ['name', 'SearchKey']);
  const dns = catalog.function('_Im_Dns')!;
  assert.equal(dns.params.find((p) => p.name === 'srcipaddr')?.type, 'string');
  assert.equal(dns.params.find((p) => p.name === 'domain_has_any')?.type, 'dynamic');
  const process = catalog.function('_Im_ProcessEvent')!;
  assert.equal(process.columns.find((c) => c.name === 'TargetProcessIsHidden')?.type, 'bool', 'SByte is bool');
});

test('the curated tables/ schemas take precedence over the CI copies', () => {
  const catalog = loadSchemaCatalog();
  const curated = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'content/schemas/tables/CommonSecurityLog.json'), 'utf8')) as { columns: unknown[] };
  assert.equal(catalog.table('CommonSecurityLog')!.length, curated.columns.length);
});

test('.NET and padded type names are normalised', () => {
  assert.equal(schemaTypeFromName('String'), 'string');
  assert.equal(schemaTypeFromName('DateTime'), 'datetime');
  assert.equal(schemaTypeFromName('Int64'), 'long');
  assert.equal(schemaTypeFromName('Int32'), 'int');
  assert.equal(schemaTypeFromName('Double'), 'real');
  assert.equal(schemaTypeFromName('Boolean'), 'bool');
  assert.equal(schemaTypeFromName('Guid'), 'guid');
  assert.equal(schemaTypeFromName(' string'), 'string');
  assert.equal(schemaTypeFromName('datetime '), 'datetime');
  assert.equal(schemaTypeFromName('Object'), 'dynamic');
  assert.equal(schemaTypeFromName('SByte'), 'bool');
  assert.equal(schemaTypeFromName('varchar'), undefined);
});

test('both table shapes and the function shape parse', () => {
  assert.deepEqual(parseSchemaDocument('a.json', { name: 'T', columns: [{ name: 'a', type: 'long' }] }),
    { kind: 'table', name: 'T', columns: [{ name: 'a', type: 'long' }] });
  assert.deepEqual(parseSchemaDocument('b.json', { Name: 'U', Properties: [{ Name: 'b', Type: 'DateTime' }] }),
    { kind: 'table', name: 'U', columns: [{ name: 'b', type: 'datetime' }] });
  const fn = parseSchemaDocument('c.json', {
    FunctionName: 'F', FunctionParameters: [{ Name: 'p', Type: 'string', IsRequired: true }], FunctionResultColumns: [{ Name: 'x', Type: 'Int64' }],
  });
  assert.deepEqual(fn, { kind: 'function', schema: { name: 'F', params: [{ name: 'p', type: 'string', required: true }], columns: [{ name: 'x', type: 'long' }] } });
  assert.throws(() => parseSchemaDocument('d.json', { columns: [] }), SchemaFileError);
  assert.throws(() => parseSchemaDocument('e.json', { name: 'T', columns: [{ name: 'a', type: 'varchar' }] }), /e\.json: columns\[0\] \(a\): unknown type 'varchar'/);
});

test('bad schema files are reported with their file name and skipped', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'broken.json'), '{"name": "T", ');
  fs.writeFileSync(path.join(dir, 'wrong.json'), '[1,2]');
  fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify({ name: 'Good', columns: [{ name: 'x', type: 'string' }] }));
  const catalog = loadSchemaCatalog([dir], { builtins: false });
  assert.deepEqual(catalog.errors.map((e) => path.basename(e.file)).sort(), ['broken.json', 'wrong.json']);
  assert.match(catalog.errors.find((e) => e.file.endsWith('broken.json'))!.message, /broken\.json: not valid JSON/);
  assert.ok(catalog.table('Good'));
  const missing = loadSchemaCatalog([path.join(dir, 'nope')], { builtins: false });
  assert.match(missing.errors[0]!.message, /schema folder not found/);
});

test('the last --schemas folder wins, then the built-ins', () => {
  const a = tempDir();
  const b = tempDir();
  fs.writeFileSync(path.join(a, 'vm.json'), JSON.stringify({ name: 'VMConnection', columns: [{ name: 'A', type: 'string' }] }));
  fs.writeFileSync(path.join(b, 'vm.json'), JSON.stringify({ name: 'VMConnection', columns: [{ name: 'B', type: 'long' }] }));
  assert.deepEqual(loadSchemaCatalog([a, b]).table('VMConnection'), [{ name: 'B', type: 'long' }]);
  assert.deepEqual(loadSchemaCatalog([b, a]).table('VMConnection'), [{ name: 'A', type: 'string' }]);
  assert.notDeepEqual(loadSchemaCatalog([]).table('VMConnection'), [{ name: 'A', type: 'string' }]);
});
