// Puts the output of days generated in parallel back in day order. Each day's items (NDJSON
// chunks, store segments) arrive in their own order from the one thread generating that day,
// interleaved with other days' items; the earliest unfinished day (the head) is written as it
// arrives, later days are held until every day before them is finished. What is held is
// bounded by the generator threads' flow control, not here.

export class DayOrder<T> {
  /** The earliest day not yet finished: its items are written as they arrive. */
  private head = 0;
  private readonly held = new Map<number, T[]>();
  private readonly finished = new Set<number>();

  /** `released` is told when a day is done with: finished, and everything held for it written. */
  constructor(private readonly days: number, private readonly write: (item: T, day: number) => void,
    private readonly released?: (day: number) => void) {}

  /** The day whose items are written as they arrive (`days` once every day is finished). */
  get current(): number {
    return this.head;
  }

  get complete(): boolean {
    return this.head >= this.days;
  }

  add(day: number, item: T): void {
    if (day < this.head || this.finished.has(day)) throw new Error(`internal: output for day ${day}, which is finished`);
    if (day === this.head) {
      this.write(item, day);
      return;
    }
    let list = this.held.get(day);
    if (list === undefined) this.held.set(day, (list = []));
    list.push(item);
  }

  /** Day `day` has no more items: if it is the head, the next days' held items are written in order. */
  finish(day: number): void {
    if (day < this.head || this.finished.has(day) || day >= this.days) throw new Error(`internal: day ${day} finished twice or out of range`);
    this.finished.add(day);
    while (this.finished.has(this.head)) {
      this.finished.delete(this.head);
      this.released?.(this.head);
      this.head++;
      const list = this.held.get(this.head);
      if (list === undefined) continue;
      this.held.delete(this.head);
      for (const item of list) this.write(item, this.head);
    }
  }
}
