// Typed arrays of finished segments, kept for the next ones. A day's columns are hundreds of
// megabytes; fresh arrays are zeroed by the kernel page by page and count as external memory,
// which makes the collector run, so a generator that has encoded a segment (and so no longer
// needs its arrays) gives them back here and takes them again, zeroed, for later buffers.

type Typed = Int32Array | Float64Array | Uint8Array;
type TypedConstructor<T extends Typed> = { new(length: number): T; new(buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

export class ArrayPool {
  /** Free buffers by byte length (arrays of any element type share them). */
  private readonly free = new Map<number, ArrayBuffer[]>();

  /** A zeroed array of `length` elements. */
  take<T extends Typed>(Kind: TypedConstructor<T>, length: number): T {
    const buffer = this.free.get(length * Kind.BYTES_PER_ELEMENT)?.pop();
    if (buffer === undefined) return new Kind(length);
    return new Kind(buffer).fill(0) as T;
  }

  /** Returns an array's whole buffer; nothing may use the array (or views on its buffer) afterwards. */
  give(array: Typed): void {
    const buffer = array.buffer as ArrayBuffer;
    let list = this.free.get(buffer.byteLength);
    if (list === undefined) this.free.set(buffer.byteLength, (list = []));
    list.push(buffer);
  }
}
