import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parse, SYNTAX_ERROR } from '../../src/kql/syntax/index.js';
import { CORPUS } from '../util/paths.js';

/** Corpus queries Microsoft's parser itself rejects (settled with the oracle; see test/oracle/syntax.test.ts). */
const KNOWN_INVALID = 14;

function corpusQueries(): { id: string; text: string }[] {
  return fs.readFileSync(CORPUS, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { path: string; query: string })
    .map((r) => ({ id: r.path, text: r.query }));
}

test('every Sentinel corpus query parses without syntax errors', () => {
  const queries = corpusQueries();
  assert.equal(queries.length, 2268);
  const failing: string[] = [];
  let withOtherDiagnostics = 0;
  for (const q of queries) {
    const { diagnostics } = parse(q.text);
    const syntax = diagnostics.filter((d) => d.code === SYNTAX_ERROR);
    if (syntax.length > 0) failing.push(`${q.id}: ${syntax[0].message}`);
    else if (diagnostics.length > 0) withOtherDiagnostics++;
  }
  console.log(`corpus: ${queries.length - failing.length}/${queries.length} parse without syntax errors (${KNOWN_INVALID} are invalid for ADX too); ` +
    `${withOtherDiagnostics} carry literal/shape/not-supported diagnostics`);
  assert.equal(failing.length, KNOWN_INVALID, failing.slice(0, 10).join('\n'));
});
