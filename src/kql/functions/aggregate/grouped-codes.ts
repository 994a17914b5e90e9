// (group, code) pairs collected for distinct counting over dictionary-encoded strings, then
// handed back one group at a time.
//
// Feeding each row straight into its group's sketch costs a cache miss per row once there are
// thousands of groups (a different sketch each time), and so does any per-group list. Here rows
// are scattered into PARTITIONS streams by the low bits of their group (few enough streams for
// the write heads to stay in cache); at the end each partition, small enough to sort in cache,
// is counting-sorted by group. Every step reads or writes memory in order.

const PARTITION_BITS = 6;
const PARTITIONS = 1 << PARTITION_BITS;
const PARTITION_MASK = PARTITIONS - 1;
/** Pairs per chunk: 64 KB, so the partially filled chunk of each partition wastes little. */
const CHUNK_PAIRS = 8192;
const CHUNK_INTS = CHUNK_PAIRS * 2;

/** The chunk of a partition that has none yet: full, so the first push starts a real one. */
const NO_CHUNK = new Int32Array(0);

export type GroupVisitor = (group: number, codes: Int32Array, from: number, to: number) => void;

export class GroupedCodes {
  /** Per partition: full chunks, the chunk being filled and how many ints it holds. */
  private readonly full: Int32Array[][] = Array.from({ length: PARTITIONS }, () => []);
  private readonly current: Int32Array[] = new Array<Int32Array>(PARTITIONS).fill(NO_CHUNK);
  private readonly used = new Int32Array(PARTITIONS).fill(CHUNK_INTS);
  private readonly spare: Int32Array[] = [];
  private sorted = new Int32Array(0);
  /** Pairs held. */
  size = 0;

  /** Appends (groups[r], codes[r]) for every row r < n whose code is not negative. */
  pushBatch(groups: Int32Array, codes: Int32Array, n: number): void {
    const used = this.used, current = this.current;
    let added = 0;
    for (let r = 0; r < n; r++) {
      const code = codes[r]!;
      if (code < 0) continue;
      const g = groups[r]!;
      const part = g & PARTITION_MASK;
      let at = used[part]!;
      if (at === CHUNK_INTS) at = this.startChunk(part);
      const chunk = current[part]!;
      chunk[at] = g >>> PARTITION_BITS;
      chunk[at + 1] = code;
      used[part] = at + 2;
      added++;
    }
    this.size += added;
  }

  private startChunk(part: number): number {
    const chunk = this.current[part]!;
    if (chunk !== NO_CHUNK) this.full[part]!.push(chunk);
    this.current[part] = this.spare.pop() ?? new Int32Array(CHUNK_INTS);
    this.used[part] = 0;
    return 0;
  }

  /** Calls visit once for every group holding pairs, with that group's codes in codes[from, to). */
  forEachGroup(numGroups: number, visit: GroupVisitor): void {
    for (let part = 0; part < PARTITIONS; part++) {
      const current = this.current[part]!;
      if (current === NO_CHUNK) continue;
      const chunks = this.full[part]!;
      const lastUsed = this.used[part]!;
      const locals = part < numGroups ? ((numGroups - 1 - part) >>> PARTITION_BITS) + 1 : 0;
      const starts = new Int32Array(locals + 1);
      const countIn = (chunk: Int32Array, ints: number) => {
        for (let i = 0; i < ints; i += 2) starts[chunk[i]! + 1]!++;
      };
      for (const chunk of chunks) countIn(chunk, CHUNK_INTS);
      countIn(current, lastUsed);
      for (let l = 0; l < locals; l++) starts[l + 1]! += starts[l]!;
      const total = starts[locals]!;
      if (this.sorted.length < total) this.sorted = new Int32Array(Math.max(total, this.sorted.length * 2));
      const sorted = this.sorted;
      const cursor = starts.slice(0, locals);
      const scatter = (chunk: Int32Array, ints: number) => {
        for (let i = 0; i < ints; i += 2) sorted[cursor[chunk[i]!]!++] = chunk[i + 1]!;
      };
      for (const chunk of chunks) scatter(chunk, CHUNK_INTS);
      scatter(current, lastUsed);
      for (let l = 0; l < locals; l++) {
        const from = starts[l]!, to = starts[l + 1]!;
        if (from !== to) visit((l << PARTITION_BITS) | part, sorted, from, to);
      }
    }
  }

  /** Empties every group, keeping the chunks for reuse. */
  clear(): void {
    for (let part = 0; part < PARTITIONS; part++) {
      for (const chunk of this.full[part]!) this.spare.push(chunk);
      this.full[part]!.length = 0;
      const current = this.current[part]!;
      if (current !== NO_CHUNK) this.spare.push(current);
      this.current[part] = NO_CHUNK;
    }
    this.used.fill(CHUNK_INTS);
    this.size = 0;
  }

  /** Releases every buffer. */
  release(): void {
    this.clear();
    this.spare.length = 0;
    this.sorted = new Int32Array(0);
  }
}
