// The pipeline's complete output on a fixed sample (the real logs in ../shared/data plus a
// generated edge-case sample) is pinned by a committed digest per input file, so performance
// work cannot change a single value, type, key order, quarantine reason or schema announcement
// unnoticed. After an intended behaviour change, regenerate with
//   INGEST_SNAPSHOT_UPDATE=1 node scripts/run-tests.mjs ingest/output-snapshot
// and review the diff of the per-file summaries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandInputs, ingest } from '../../src/ingest/pipeline.js';
import { parseDatetimeString } from '../../src/kql/values/datetime.js';
import { REPO_ROOT, SHARED } from '../util/paths.js';
import { DigestSink } from './output-digest.js';
import { writeSyntheticSample } from './synthetic-sample.js';

const SNAPSHOT = path.join(REPO_ROOT, 'test', 'ingest', 'snapshots', 'ingest-output.json');
const INGEST_TIME = parseDatetimeString('2024-06-01T00:00:00Z')!;

interface FileSnapshot {
  records: number;
  rows: number;
  quarantined: number;
  badFields: number;
  events: number;
  sha256: string;
}

async function outputOf(file: string, label: string, keep: boolean): Promise<{ snap: FileSnapshot; sink: DigestSink }> {
  const sink = new DigestSink(() => label, keep);
  const s = await ingest([file], sink, { ingestTime: INGEST_TIME });
  assert.equal(s.records, s.rows + s.quarantined, `${label}: every record is a row or a quarantine entry`);
  return {
    snap: { records: s.records, rows: s.rows, quarantined: s.quarantined, badFields: s.badFields, events: sink.events, sha256: sink.digest() },
    sink,
  };
}

function sampleInputs(): { file: string; label: string }[] {
  const data = path.join(SHARED, 'data');
  const shared = expandInputs([data]).map((file) => ({ file, label: path.relative(SHARED, file) }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-ingest-snapshot-'));
  const synthetic = writeSyntheticSample(dir).map((file) => ({ file, label: `synthetic/${path.basename(file)}` }));
  return [...shared, ...synthetic];
}

test('pipeline output on the fixed sample is exactly the committed snapshot', async () => {
  const inputs = sampleInputs();
  const actual: Record<string, FileSnapshot> = {};
  for (const { file, label } of inputs) actual[label] = (await outputOf(file, label, false)).snap;

  if (process.env['INGEST_SNAPSHOT_UPDATE'] === '1') {
    fs.mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
    fs.writeFileSync(SNAPSHOT, JSON.stringify(actual, null, 1) + '\n');
    return;
  }
  const expected = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as Record<string, FileSnapshot>;
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), 'the sample holds the same files');
  const differing = Object.keys(expected).filter((k) => JSON.stringify(actual[k]) !== JSON.stringify(expected[k]));
  if (differing.length > 0) {
    // Leave the canonical output of the first differing file for a diff against the old build.
    const first = inputs.find((i) => i.label === differing[0])!;
    const dump = path.join(os.tmpdir(), `kqlhunt-ingest-output-${path.basename(first.label)}.txt`);
    fs.writeFileSync(dump, (await outputOf(first.file, first.label, true)).sink.kept!.join('\n') + '\n');
    assert.fail(`pipeline output changed for ${differing.length} file(s): ${differing.slice(0, 10).join(', ')}; ` +
      `first: expected ${JSON.stringify(expected[differing[0]!])}, got ${JSON.stringify(actual[differing[0]!])}; canonical output in ${dump}`);
  }
});

test('the snapshot is sensitive: a changed value, type or key order changes the digest', () => {
  const digest = (row: Record<string, unknown>): string => {
    const sink = new DigestSink((f) => f);
    sink.row('T', row, { file: 'f', line: 1 });
    return sink.digest();
  };
  const base = digest({ a: 1, b: 'x', t: 5n });
  assert.notEqual(digest({ a: 1, b: 'x', t: 5 }), base, 'bigint vs number');
  assert.notEqual(digest({ b: 'x', a: 1, t: 5n }), base, 'key order');
  assert.notEqual(digest({ a: 1, b: 'x ', t: 5n }), base, 'string value');
  assert.notEqual(digest({ a: 1, b: 'x', t: 5n, c: [] }), base, 'extra column');
  assert.notEqual(digest({ a: -0, b: 'x', t: 5n }), digest({ a: 0, b: 'x', t: 5n }), '-0 vs 0');
  assert.equal(digest({ a: 1, b: 'x', t: 5n }), base, 'deterministic');
});
