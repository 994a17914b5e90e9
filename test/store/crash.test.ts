import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../src/store/store.js';
import { rowsOf, tempDir } from './helpers.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.js');

function runChild(dir: string, step: string, rows: number): { signal: NodeJS.Signals | null; status: number | null } {
  const r = spawnSync(process.execPath, [CHILD, dir, step, String(rows)], { encoding: 'utf8' });
  return { signal: r.signal, status: r.status };
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String);
}

for (const step of ['segment-written', 'segment-renamed', 'manifest-written'] as const) {
  test(`a writer killed at '${step}' leaves no rows visible, and the next writer recovers`, () => {
    const dir = tempDir();
    const killed = runChild(dir, step, 10);
    assert.equal(killed.signal, 'SIGKILL', 'the child must actually die at that step');
    // Debris of the dead writer is on disk, but no reader sees it.
    assert.ok(files(dir).some((f) => f.endsWith('.kqs')), 'segment files were written before the kill');
    const store = Store.open(dir);
    assert.equal(store.table('T'), undefined);
    assert.deepEqual(store.tableNames(), []);
    // The lock of the dead process is taken over and its debris removed.
    store.writer().close();
    assert.deepEqual(files(dir).filter((f) => f.endsWith('.kqs')), []);
    // Ingesting again after the crash yields every row exactly once.
    const ok = runChild(dir, 'none', 10);
    assert.equal(ok.status, 0);
    store.refresh();
    assert.deepEqual(rowsOf(store.scan('T')).map((r) => r['N']).sort((a, b) => Number(a) - Number(b)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
}
