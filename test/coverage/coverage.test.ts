// docs/coverage.md must say what the code does: regenerate it with `node tools/coverage.mjs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { coverageMarkdown, operatorCoverage } from '../../src/kql/coverage/coverage.js';
import { REPO_ROOT } from '../util/paths.js';

test('docs/coverage.md is up to date with the code', () => {
  const committed = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'coverage.md'), 'utf8');
  assert.equal(committed, coverageMarkdown(), 'docs/coverage.md is stale: run `npm run build && node tools/coverage.mjs`');
});

test('the operators Sentinel rules rely on are implemented', () => {
  const status = new Map(operatorCoverage().map((r) => [r.name, r.status]));
  for (const op of ['where', 'extend', 'project', 'summarize', 'join', 'union', 'mv-expand', 'make-series', 'parse', 'top', 'sort']) {
    assert.equal(status.get(op), 'implemented', op);
  }
});
