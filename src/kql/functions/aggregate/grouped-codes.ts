// (group, code) pairs collected for distinct counting over dictionary-encoded strings, then
// handed back one group at a time.
//
// Feeding each row straight into its group's sketch costs a cache miss per row once there are
// thousands of groups (a different sketch each time). Here each batch's group ids and codes are
// kept as they arrive (sequential copies), the rows per group are counted on the way, and at
// the end one counting-sort pass lays every group's codes out contiguously. That pass writes to
// as many places as there are groups, but each write only appends to its group's run, and the
// hot groups' write positions stay in cache.

export type GroupVisitor = (group: number, codes: Int32Array, from: number, to: number) => void;

export class GroupedCodes {
  private groups: Int32Array[] = [];
  private codes: Int32Array[] = [];
  private rowsPerGroup = new Int32Array(0);
  /** Pairs held. */
  size = 0;

  /**
   * Takes (ids[r], codes[r]) for every row r < n whose code is not negative. Both arrays become
   * this object's: callers pass arrays they will not reuse.
   */
  pushBatch(ids: Int32Array, codes: Int32Array, n: number, numGroups: number): void {
    if (this.rowsPerGroup.length < numGroups) {
      const grown = new Int32Array(Math.max(numGroups, this.rowsPerGroup.length * 2));
      grown.set(this.rowsPerGroup);
      this.rowsPerGroup = grown;
    }
    const rowsPerGroup = this.rowsPerGroup;
    let added = 0;
    for (let r = 0; r < n; r++) {
      if (codes[r]! < 0) continue;
      rowsPerGroup[ids[r]!]!++;
      added++;
    }
    if (added === 0) return;
    this.groups.push(ids.length === n ? ids : ids.subarray(0, n));
    this.codes.push(codes.length === n ? codes : codes.subarray(0, n));
    this.size += added;
  }

  /** Calls visit once for every group holding pairs, in group order, with its codes in codes[from, to). */
  forEachGroup(numGroups: number, visit: GroupVisitor): void {
    if (this.size === 0) return;
    const groupCount = Math.min(numGroups, this.rowsPerGroup.length);
    const starts = new Int32Array(groupCount + 1);
    for (let g = 0; g < groupCount; g++) starts[g + 1] = starts[g]! + this.rowsPerGroup[g]!;
    const cursor = starts.slice(0, groupCount);
    const sorted = new Int32Array(this.size);
    for (let b = 0; b < this.groups.length; b++) {
      const ids = this.groups[b]!, codes = this.codes[b]!;
      for (let r = 0; r < ids.length; r++) {
        const code = codes[r]!;
        if (code >= 0) sorted[cursor[ids[r]!]!++] = code;
      }
      // Each batch is done with once laid out: let it go before the next.
      this.groups[b] = EMPTY;
      this.codes[b] = EMPTY;
    }
    for (let g = 0; g < groupCount; g++) {
      const from = starts[g]!, to = starts[g + 1]!;
      if (from !== to) visit(g, sorted, from, to);
    }
  }

  /** Empties every group. */
  clear(): void {
    this.groups = [];
    this.codes = [];
    this.rowsPerGroup.fill(0);
    this.size = 0;
  }
}

const EMPTY = new Int32Array(0);
