// Writing one source's (or one bulk load's) segments durably, with as few fsyncs as crash
// safety allows: each segment is one file, written and fsynced in `.tmp/`, then renamed into
// its partition directory; the directories those renames (and any new partition directories)
// touched are fsynced once each, at flush(), just before the manifest commit that makes the
// segments visible. Until that commit nothing refers to them, so a crash anywhere before it
// leaves only unreferenced files, which the next writer deletes (docs/storage.md).

import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, writeFileDurable } from './files.js';
import { segmentPath, type SegmentEntry } from './manifest.js';
import { encodeSegmentFile, type SegmentFileMeta } from './segment-file.js';

/** The commit steps a crash test can stop at. */
export type SegmentStep = 'segment-written' | 'segment-renamed';

export class SegmentWrites {
  /** Directories whose entries changed since the last flush(). */
  private readonly dirty = new Set<string>();
  /** Segment files renamed into place and not yet committed. */
  private written: string[] = [];

  constructor(private readonly storeDir: string, private readonly onStep?: (step: SegmentStep, detail: string) => void) {}

  /** Writes a segment file (durable) and renames it into its partition; it is visible once a manifest lists it. */
  write(meta: SegmentFileMeta, columns: readonly Uint8Array[]): SegmentEntry {
    const { bytes, offsets } = encodeSegmentFile(meta, columns);
    const tmpDir = path.join(this.storeDir, '.tmp');
    fs.mkdirSync(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${meta.id}.kqs`);
    writeFileDurable(tmp, bytes);
    this.onStep?.('segment-written', tmp);
    const seg: SegmentEntry = {
      id: meta.id, day: meta.day, rows: meta.rows, minMs: meta.minMs, maxMs: meta.maxMs, ingestedAt: meta.ingestedAt,
      columns: meta.columns, bytes: bytes.byteLength, offsets,
    };
    const final = segmentPath(this.storeDir, meta.table, seg);
    const partition = path.dirname(final);
    if (fs.mkdirSync(partition, { recursive: true }) !== undefined) {
      // New directories are entries of their parents: tables/, tables/<T>/.
      this.dirty.add(path.dirname(partition));
      this.dirty.add(path.dirname(path.dirname(partition)));
    }
    fs.renameSync(tmp, final);
    this.dirty.add(partition);
    this.written.push(final);
    this.onStep?.('segment-renamed', final);
    return seg;
  }

  /** Makes every rename since the last flush durable: one fsync per directory touched. */
  flush(): void {
    // Deepest first, so a new directory's own entries are durable before its parent names it.
    for (const dir of [...this.dirty].sort((a, b) => b.length - a.length)) fsyncDir(dir);
    this.dirty.clear();
    this.written = [];
  }

  /** Deletes segments written since the last flush (the source is abandoned). */
  discard(): void {
    for (const file of this.written) fs.rmSync(file, { recursive: true, force: true });
    this.written = [];
    this.dirty.clear();
  }
}
