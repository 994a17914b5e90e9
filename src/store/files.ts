// File-system steps the store's commit protocol relies on: durable writes, atomic renames,
// and the writer lock. Everything that must survive a crash goes through here.

import fs from 'node:fs';
import path from 'node:path';

/** Flushes a directory entry (a rename or a new file) to disk; not every platform allows it. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open directories; renames there are already durable enough for NTFS.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes bytes and forces them to disk before returning. */
export function writeFileDurable(file: string, data: Uint8Array | string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces `file` atomically: readers see the old content or the new, never a mix. */
export function replaceFileAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileDurable(tmp, data);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export class StoreLockedError extends Error {
  constructor(readonly lockFile: string, readonly holderPid: number) {
    super(`the store is in use by process ${holderPid} (lock ${lockFile}); wait for it to finish`);
    this.name = 'StoreLockedError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer at a time. The lock file holds the writer's pid; a lock left by a process that
 * no longer exists (a killed ingest) is taken over, so a crash never wedges the store.
 */
export function acquireLock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try { fs.unlinkSync(lockFile); } catch { /* already gone */ }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try { holder = Number(fs.readFileSync(lockFile, 'utf8').trim()); } catch { /* vanished meanwhile */ }
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
        throw new StoreLockedError(lockFile, holder);
      }
      if (holder === process.pid) throw new StoreLockedError(lockFile, holder);
      try { fs.unlinkSync(lockFile); } catch { /* someone else removed it */ }
    }
  }
  throw new StoreLockedError(lockFile, NaN);
}
