// Run as a child process by crash.test.ts: ingests rows and kills itself (SIGKILL, no
// cleanup of any kind) at the commit step named on the command line.

import { Store } from '../../src/store/store.js';
import type { CommitStep } from '../../src/store/writer.js';

const [dir, step, countText] = process.argv.slice(2) as [string, CommitStep | 'none', string];
const store = Store.open(dir, { create: true });
const w = store.writer({
  segmentRows: 4,
  onCommitStep: (s) => {
    if (s === step) process.kill(process.pid, 'SIGKILL');
  },
});
w.beginSource({ file: 'crash.log', sha256: 'crash', size: 1 });
const base = Date.UTC(2024, 4, 1);
for (let i = 0; i < Number(countText); i++) {
  w.row('T', { TimeGenerated: BigInt(base + i * 3_600_000) * 10000n + 621355968000000000n, N: i }, { file: 'crash.log', line: i + 1 });
}
w.commitSource();
w.close();
