import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '../../src/kql/syntax/index.js';
import { SEED_QUERIES } from '../util/paths.js';

test('every seed query parses without diagnostics', () => {
  const files = fs.readdirSync(SEED_QUERIES).filter((f) => f.endsWith('.kql')).sort();
  assert.ok(files.length >= 15, `expected the seed queries, found ${files.length}`);
  for (const f of files) {
    const text = fs.readFileSync(path.join(SEED_QUERIES, f), 'utf8');
    const { query, diagnostics } = parse(text);
    assert.deepEqual(diagnostics, [], `${f}: ${diagnostics.map((d) => d.message).join('; ')}`);
    assert.ok(query.statements.length > 0, `${f}: no statements`);
  }
});
