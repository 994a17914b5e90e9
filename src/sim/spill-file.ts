// Output of a day that must wait for the days before it, parked on disk instead of in memory:
// a generator thread runs a whole day ahead of the writes, and a day of NDJSON is hundreds of
// megabytes. Parking a chunk hands its buffer straight back to the generator, so memory stays
// at what is being generated, and the bytes are read back (from the page cache, usually) when
// the day's turn comes.

import fs from 'node:fs';

export interface Parked {
  offset: number;
  length: number;
}

export class SpillFile {
  private readonly fd: number;
  private size = 0;
  private closed = false;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w+');
  }

  park(bytes: Uint8Array): Parked {
    const offset = this.size;
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done, offset + done);
    this.size += bytes.length;
    return { offset, length: bytes.length };
  }

  /** The parked bytes, in `into` when it is large enough (a view of it), else in a new buffer. */
  read(parked: Parked, into: Uint8Array): Uint8Array {
    const target = into.length >= parked.length ? into.subarray(0, parked.length) : new Uint8Array(parked.length);
    let done = 0;
    while (done < parked.length) {
      const n = fs.readSync(this.fd, target, done, parked.length - done, parked.offset + done);
      if (n === 0) throw new Error(`${this.file}: ended before byte ${parked.offset + parked.length}`);
      done += n;
    }
    return target;
  }

  /** Closes and deletes the file (its bytes were written where they belong, or the run failed). */
  remove(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
    fs.rmSync(this.file, { force: true });
  }
}
