// The `.col` format: one engine column (data/column.ts layout) as a self-describing byte
// string. Narrow integer encodings keep files small without a general compressor, whose
// decoding cost would dominate loading; wide sections are 8-byte aligned so they load as
// views on the file's bytes. Pure: no file system (docs/storage.md has the layout).

import {
  BoolColumn, DynamicColumn, NumberColumn, StringColumn, TicksColumn, type Column,
} from '../kql/data/column.js';
import type { DynamicValue, ScalarType } from '../kql/types.js';
import { formatDynamicStrictJson, hasWholeRealToken, holdsWholeReal, parseJsonStrict } from '../kql/values/dynamic.js';

const MAGIC = 0x4348514b; // "KQHC" read as a little-endian u32
const VERSION = 1;
const PREFIX_BYTES = 12;

/** How an integer-valued section is stored: `base` plus offsets of a width, or raw. */
type IntWidth = 'u8' | 'u16' | 'u32' | 'i32' | 'f64';

interface Section {
  offset: number;
  bytes: number;
}

interface IntSection extends Section {
  width: IntWidth;
  base: number;
}

export interface ColumnFileHeader {
  type: ScalarType;
  length: number;
  nulls?: Section;
  /** bool */
  bytes?: Section;
  /** int/long/real/decimal values; datetime/timespan ms */
  values?: IntSection;
  /** datetime/timespan extra ticks */
  sub?: Section;
  /** string/guid */
  dict?: Section;
  codes?: IntSection;
  /** dynamic */
  json?: Section;
}

export class ColumnFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ColumnFileError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds the file body: sections are appended 8-byte aligned after the header. */
class SectionWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  add(bytes: Uint8Array): Section {
    const offset = this.size;
    this.parts.push(bytes);
    this.size += bytes.byteLength;
    const pad = (8 - (this.size % 8)) % 8;
    if (pad > 0) { this.parts.push(new Uint8Array(pad)); this.size += pad; }
    return { offset, bytes: bytes.byteLength };
  }

  finish(header: ColumnFileHeader): Uint8Array {
    const headerBytes = encoder.encode(JSON.stringify(header));
    const bodyStart = align8(PREFIX_BYTES + headerBytes.byteLength);
    const out = new Uint8Array(bodyStart + this.size);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, VERSION, true);
    view.setUint32(8, headerBytes.byteLength, true);
    out.set(headerBytes, PREFIX_BYTES);
    let p = bodyStart;
    for (const part of this.parts) { out.set(part, p); p += part.byteLength; }
    return out;
  }
}

function align8(n: number): number {
  return n + ((8 - (n % 8)) % 8);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function encodeNulls(nulls: Uint8Array | null, w: SectionWriter): Section | undefined {
  if (nulls === null) return undefined;
  const bits = new Uint8Array(Math.ceil(nulls.length / 8));
  let any = false;
  for (let i = 0; i < nulls.length; i++) {
    if (nulls[i] === 1) { bits[i >> 3]! |= 1 << (i & 7); any = true; }
  }
  return any ? w.add(bits) : undefined;
}

/**
 * Integer-valued numbers as base + narrow offsets when every non-null value is an integer
 * (and not -0) that a double holds exactly; otherwise the raw array. Null slots take the
 * base so they never widen the frame.
 */
function encodeIntegers(values: Float64Array | Int32Array, nulls: Uint8Array | null, w: SectionWriter): IntSection {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < values.length; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const v = values[i]!;
    if (!Number.isSafeInteger(v) || Object.is(v, -0)) { integral = false; break; }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const raw: IntWidth = values instanceof Int32Array ? 'i32' : 'f64';
  if (!integral) return { ...w.add(bytesOf(values)), width: raw, base: 0 };
  if (min === Infinity) { min = 0; max = 0; }
  const span = max - min;
  const width: IntWidth = span < 0x100 ? 'u8' : span < 0x10000 ? 'u16' : span < 0x100000000 ? 'u32' : raw;
  if (width === raw) return { ...w.add(bytesOf(values)), width, base: 0 };
  const narrow = width === 'u8' ? new Uint8Array(values.length) : width === 'u16' ? new Uint16Array(values.length) : new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    narrow[i] = nulls !== null && nulls[i] === 1 ? 0 : values[i]! - min;
  }
  return { ...w.add(bytesOf(narrow)), width, base: min };
}

/** Dictionary codes: the narrowest width the dictionary size allows. */
function encodeCodes(codes: Int32Array, dictSize: number, w: SectionWriter): IntSection {
  const width: IntWidth = dictSize <= 0x100 ? 'u8' : dictSize <= 0x10000 ? 'u16' : 'i32';
  if (width === 'i32') return { ...w.add(bytesOf(codes)), width, base: 0 };
  const narrow = width === 'u8' ? Uint8Array.from(codes) : Uint16Array.from(codes);
  return { ...w.add(bytesOf(narrow)), width, base: 0 };
}

/**
 * Drops dictionary entries no row uses (columns gathered or sliced by the engine keep the
 * whole dictionary of their source) and renumbers codes densely.
 */
function compactDictionary(col: StringColumn): { codes: Int32Array; dict: string[] } {
  // Builders that add values as they first meet them (the simulator's, the ingest writer's)
  // already give this layout: a read-only check is cheaper than remapping to the same codes.
  if (isCompactInFirstUseOrder(col)) return { codes: col.codes, dict: col.dict };
  const remap = new Int32Array(col.dict.length).fill(-1);
  const dict: string[] = [];
  const codes = new Int32Array(col.codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = col.codes[i]!;
    let m = remap[c]!;
    if (m < 0) { m = remap[c] = dict.length; dict.push(col.dict[c]!); }
    codes[i] = m;
  }
  return { codes, dict };
}

/** Every dictionary entry is used, and codes first appear in ascending order 0, 1, 2, .... */
function isCompactInFirstUseOrder(col: StringColumn): boolean {
  const codes = col.codes;
  let next = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < next) continue;
    if (c !== next) return false;
    next++;
  }
  return next === col.dict.length;
}

export function encodeColumn(col: Column): Uint8Array {
  const w = new SectionWriter();
  const header: ColumnFileHeader = { type: col.type, length: col.length };
  switch (col.type) {
    case 'bool':
      header.bytes = w.add(col.values);
      header.nulls = encodeNulls(col.nulls, w);
      break;
    case 'int': case 'long': case 'real': case 'decimal':
      header.values = encodeIntegers(col.values, col.nulls, w);
      header.nulls = encodeNulls(col.nulls, w);
      break;
    case 'datetime': case 'timespan': {
      header.values = encodeIntegers(col.ms, col.nulls, w);
      if (col.sub !== null && col.sub.some((s) => s !== 0)) header.sub = w.add(bytesOf(col.sub));
      header.nulls = encodeNulls(col.nulls, w);
      break;
    }
    case 'string': case 'guid': {
      const { codes, dict } = compactDictionary(col);
      header.dict = w.add(encoder.encode(JSON.stringify(dict)));
      header.codes = encodeCodes(codes, dict.length, w);
      break;
    }
    case 'dynamic':
      // JSON.stringify would write a whole real (1.0) as 1, which reads back as a long.
      header.json = w.add(encoder.encode(col.values.some(holdsWholeReal) ? formatDynamicStrictJson(col.values) : JSON.stringify(col.values)));
      break;
  }
  if (header.nulls === undefined) delete header.nulls;
  return w.finish(header);
}

/** A typed view on the file bytes when aligned, else a copy (Buffers from pools are not). */
function typedSection<T extends Float64Array | Int32Array | Uint16Array | Uint32Array | Uint8Array>(
  Kind: { new(buffer: ArrayBuffer, offset: number, length: number): T; new(length: number): T; BYTES_PER_ELEMENT: number },
  file: Uint8Array, start: number, s: Section,
): T {
  const at = file.byteOffset + start + s.offset;
  const n = s.bytes / Kind.BYTES_PER_ELEMENT;
  if (at % Kind.BYTES_PER_ELEMENT === 0) return new Kind(file.buffer as ArrayBuffer, at, n);
  const copy = new Kind(n);
  new Uint8Array(copy.buffer).set(file.subarray(start + s.offset, start + s.offset + s.bytes));
  return copy;
}

function decodeIntegers<T extends Float64Array | Int32Array>(
  Target: { new(length: number): T; new(buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
  file: Uint8Array, start: number, s: IntSection, length: number,
): T {
  switch (s.width) {
    case 'f64': case 'i32': {
      const raw = typedSection(Target, file, start, s);
      if (raw.length !== length) throw new ColumnFileError(`values section holds ${raw.length} rows, header says ${length}`);
      return raw;
    }
    case 'u8': case 'u16': case 'u32': {
      const narrow = s.width === 'u8' ? typedSection(Uint8Array, file, start, s)
        : s.width === 'u16' ? typedSection(Uint16Array, file, start, s) : typedSection(Uint32Array, file, start, s);
      if (narrow.length !== length) throw new ColumnFileError(`values section holds ${narrow.length} rows, header says ${length}`);
      const out = new Target(length);
      widen(narrow, out, s.base);
      return out;
    }
  }
}

/**
 * One loop per (source, target) pair: a single generic loop sees several typed-array kinds,
 * goes megamorphic in V8 and runs several times slower on the 10M-row loads this serves.
 */
function widen(narrow: Uint8Array | Uint16Array | Uint32Array, out: Float64Array | Int32Array, base: number): void {
  const n = out.length;
  if (out instanceof Float64Array) {
    if (narrow instanceof Uint8Array) for (let i = 0; i < n; i++) out[i] = narrow[i]! + base;
    else if (narrow instanceof Uint16Array) for (let i = 0; i < n; i++) out[i] = narrow[i]! + base;
    else for (let i = 0; i < n; i++) out[i] = narrow[i]! + base;
  } else if (narrow instanceof Uint8Array) for (let i = 0; i < n; i++) out[i] = narrow[i]! + base;
  else if (narrow instanceof Uint16Array) for (let i = 0; i < n; i++) out[i] = narrow[i]! + base;
  else for (let i = 0; i < n; i++) out[i] = narrow[i]! + base;
}

function decodeNulls(file: Uint8Array, start: number, s: Section | undefined, length: number): Uint8Array | null {
  if (s === undefined) return null;
  const bits = file.subarray(start + s.offset, start + s.offset + s.bytes);
  const nulls = new Uint8Array(length);
  for (let i = 0; i < length; i++) nulls[i] = (bits[i >> 3]! >> (i & 7)) & 1;
  return nulls;
}

function required<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new ColumnFileError(`the header lacks its ${what} section`);
  return v;
}

export function readColumnHeader(file: Uint8Array): { header: ColumnFileHeader; bodyStart: number } {
  if (file.byteLength < PREFIX_BYTES) throw new ColumnFileError(`truncated: ${file.byteLength} bytes`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new ColumnFileError('not a kqlhunt column file (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new ColumnFileError(`column file version ${version} is not supported (this build reads ${VERSION})`);
  const headerBytes = view.getUint32(8, true);
  if (PREFIX_BYTES + headerBytes > file.byteLength) throw new ColumnFileError('truncated header');
  const header = JSON.parse(decoder.decode(file.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes))) as ColumnFileHeader;
  return { header, bodyStart: align8(PREFIX_BYTES + headerBytes) };
}

export function decodeColumn(file: Uint8Array): Column {
  const { header: h, bodyStart: start } = readColumnHeader(file);
  const end = (s: Section): number => start + s.offset + s.bytes;
  for (const s of [h.nulls, h.bytes, h.values, h.sub, h.dict, h.codes, h.json]) {
    if (s !== undefined && end(s) > file.byteLength) throw new ColumnFileError(`truncated: a section ends at byte ${end(s)} of ${file.byteLength}`);
  }
  const n = h.length;
  switch (h.type) {
    case 'bool':
      return new BoolColumn(typedSection(Uint8Array, file, start, required(h.bytes, 'bytes')), decodeNulls(file, start, h.nulls, n));
    case 'int':
      return new NumberColumn('int', decodeIntegers(Int32Array, file, start, required(h.values, 'values'), n), decodeNulls(file, start, h.nulls, n));
    case 'long': case 'real': case 'decimal':
      return new NumberColumn(h.type, decodeIntegers(Float64Array, file, start, required(h.values, 'values'), n), decodeNulls(file, start, h.nulls, n));
    case 'datetime': case 'timespan':
      return new TicksColumn(
        h.type,
        decodeIntegers(Float64Array, file, start, required(h.values, 'values'), n),
        h.sub === undefined ? null : typedSection(Uint16Array, file, start, h.sub),
        decodeNulls(file, start, h.nulls, n),
      );
    case 'string': case 'guid': {
      const d = required(h.dict, 'dict');
      const dict = JSON.parse(decoder.decode(file.subarray(start + d.offset, end(d)))) as string[];
      const c = required(h.codes, 'codes');
      const codes = c.width === 'i32' ? decodeIntegers(Int32Array, file, start, c, n) : widenCodes(file, start, c, n);
      return new StringColumn(h.type, codes, dict);
    }
    case 'dynamic': {
      const j = required(h.json, 'json');
      const text = decoder.decode(file.subarray(start + j.offset, end(j)));
      // Only text holding a whole real (written by formatDynamicStrictJson) needs the typed reader.
      const values = (hasWholeRealToken(text) ? parseJsonStrict(text) : JSON.parse(text)) as DynamicValue[];
      if (values.length !== n) throw new ColumnFileError(`dynamic section holds ${values.length} rows, header says ${n}`);
      return new DynamicColumn(values);
    }
    default:
      throw new ColumnFileError(`unknown column type '${String(h.type)}'`);
  }
}

function widenCodes(file: Uint8Array, start: number, s: IntSection, length: number): Int32Array {
  const narrow = s.width === 'u8' ? typedSection(Uint8Array, file, start, s) : typedSection(Uint16Array, file, start, s);
  if (narrow.length !== length) throw new ColumnFileError(`codes section holds ${narrow.length} rows, header says ${length}`);
  const out = new Int32Array(length);
  // Int32Array.set converts element-wise in native code.
  out.set(narrow);
  return out;
}
