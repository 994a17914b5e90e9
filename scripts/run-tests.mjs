// Runs every compiled *.test.js under dist/test with Node's test runner.
// Node 20's --test neither expands globs nor restricts a directory to *.test.js,
// so the files are listed here explicitly. Extra arguments filter by path substring.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function collect(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? collect(p) : e.name.endsWith('.test.js') ? [p] : [];
  });
}

const filters = process.argv.slice(2);
const files = collect('dist/test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files found under dist/test (did the build run?)');
  process.exit(1);
}
// Tests never touch the user's own store (~/.kqlhunt/store): each run gets a fresh one.
const store = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-test-store-'));
const preload = path.resolve('dist/test/util/fc-seed.js');
const r = spawnSync(process.execPath, ['--import', preload, '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, KQLHUNT_STORE: store },
});
fs.rmSync(store, { recursive: true, force: true });
process.exit(r.status ?? 1);
