// Bytes -> text -> lines, for the pipeline. Handles gzip (by magic bytes, not file name),
// byte-order marks (UTF-8, UTF-16 LE/BE), invalid UTF-8 (replaced by U+FFFD, reported), and
// streams cut short: the text decoded before a gzip error is delivered, then the error.

import { isAscii } from 'node:buffer';
import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import zlib from 'node:zlib';

export interface DecodeState {
  bytesIn: number;
  /** Set when the gzip stream ended in an error (truncated or corrupt); text before it was delivered. */
  gzipError?: string;
  gzip: boolean;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** Invalid byte sequences were replaced with U+FFFD. */
  replacedInvalidBytes: boolean;
  /**
   * While the consumer holds a chunk decodeStream yielded: that chunk's bytes when they are
   * ASCII (char i of the text is byte i), else undefined. Lines cut from the bytes are flat
   * strings, which the parsers read faster than slices of the chunk's text.
   */
  asciiChunk?: Buffer | undefined;
}

async function* withFirst(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/** Decoded text chunks of a byte stream. Never throws for bad content; read errors propagate. */
export async function* decodeStream(source: AsyncIterable<Buffer | string>, state: DecodeState): AsyncGenerator<string> {
  const it = (async function* () {
    for await (const c of source) yield typeof c === 'string' ? Buffer.from(c) : c;
  })()[Symbol.asyncIterator]();
  const firstResult = await it.next();
  if (firstResult.done) return;
  const first = firstResult.value;
  state.bytesIn += first.length;
  let bytes: AsyncIterable<Buffer> = withFirst(first, it);
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    state.gzip = true;
    const gunzip = zlib.createGunzip();
    Readable.from(bytes).on('error', (e: Error) => gunzip.destroy(e)).pipe(gunzip);
    bytes = (async function* () {
      try {
        for await (const c of gunzip) yield c as Buffer;
      } catch (e) {
        state.gzipError = (e as Error).message;
      }
    })();
  }
  let decoder: TextDecoder | undefined;
  let firstChunk = true;
  // While every chunk so far was pure ASCII the decoder has nothing pending, and a chunk that
  // is ASCII too reads the same as latin1, which skips UTF-8 decoding (most logs never leave this).
  let asciiSoFar = true;
  let bypassed = false;
  for await (const chunk of bytes) {
    if (firstChunk) {
      firstChunk = false;
      if (chunk[0] === 0xff && chunk[1] === 0xfe) state.encoding = 'utf-16le';
      else if (chunk[0] === 0xfe && chunk[1] === 0xff) state.encoding = 'utf-16be';
    }
    if (asciiSoFar && state.encoding === 'utf-8' && isAscii(chunk)) {
      if (chunk.length > 0) {
        bypassed = true;
        state.asciiChunk = chunk;
        yield chunk.toString('latin1');
        state.asciiChunk = undefined;
      }
      continue;
    }
    asciiSoFar = false;
    // A decoder that starts mid-stream must not take U+FEFF there for a byte-order mark.
    decoder ??= new TextDecoder(state.encoding, { ignoreBOM: bypassed });
    const text = decoder.decode(chunk, { stream: true });
    if (!state.replacedInvalidBytes && text.indexOf('\uFFFD') >= 0) state.replacedInvalidBytes = true;
    if (text !== '') yield text;
  }
  if (decoder !== undefined) {
    const tail = decoder.decode();
    if (tail.indexOf('\uFFFD') >= 0) state.replacedInvalidBytes = true;
    if (tail !== '') yield tail;
  }
}

/** Longest line kept whole; longer ones are quarantined with their start (no record is lost silently). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * Splits text chunks into lines (LF or CRLF; a lone CR is data), calling `onLine` synchronously
 * with 1-based line numbers. `end()` flushes a last line without a newline.
 */
export class LineSplitter {
  private parts: string[] = [];
  private partsLength = 0;
  private oversized = false;
  lineNumber = 0;

  constructor(private readonly onLine: (text: string, line: number, oversized: boolean) => void) {}

  /** `bytes`: the chunk's bytes when it is ASCII (DecodeState.asciiChunk), so lines are cut from them. */
  push(chunk: string, bytes?: Buffer): void {
    const flat = bytes !== undefined && bytes.length === chunk.length ? bytes : undefined;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      if (flat !== undefined && this.parts.length === 0) {
        // The same text as the slice below (a CR before the LF cut), copied out of the bytes.
        const end = nl > start && flat[nl - 1] === 13 ? nl - 1 : nl;
        const oversized = this.oversized;
        this.oversized = false;
        this.onLine(flat.toString('latin1', start, end), ++this.lineNumber, oversized);
        start = nl + 1;
        continue;
      }
      let piece = chunk.slice(start, nl);
      if (this.parts.length > 0) {
        this.keep(piece);
        piece = this.parts.join('');
        this.parts = [];
        this.partsLength = 0;
      }
      if (piece.charCodeAt(piece.length - 1) === 13) piece = piece.slice(0, -1);
      const oversized = this.oversized;
      this.oversized = false;
      this.onLine(piece, ++this.lineNumber, oversized);
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.slice(start));
  }

  private keep(piece: string): void {
    if (this.oversized) return;
    if (this.partsLength + piece.length > MAX_LINE_CHARS) {
      this.oversized = true;
      return;
    }
    this.parts.push(piece);
    this.partsLength += piece.length;
  }

  /** The unterminated last line, if any (not yet reported). */
  takeRest(): { text: string; oversized: boolean } | undefined {
    if (this.parts.length === 0 && !this.oversized) return undefined;
    let text = this.parts.join('');
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    const rest = { text, oversized: this.oversized };
    this.parts = [];
    this.partsLength = 0;
    this.oversized = false;
    return rest;
  }
}

/**
 * Splits a JSON text into top-level values: the elements of a top-level array, or a sequence of
 * concatenated objects. Each value's text goes to `onValue` with the line it starts on; the
 * values are parsed by the caller, so one malformed element does not stop the rest.
 */
export class JsonValueSplitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: string[] = [];
  private inValue = false;
  private valueLine = 0;
  private base: number | undefined;
  line = 1;

  constructor(private readonly onValue: (text: string, line: number) => void) {}

  push(chunk: string): void {
    let valueStart = this.inValue ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) { this.line++; continue; }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92) this.escape = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (c === 34) { this.inString = true; continue; }
      if (c === 123 || c === 91) {
        if (this.base === undefined) this.base = c === 91 ? 1 : 0;
        if (this.depth === this.base && !this.inValue) {
          this.inValue = true;
          this.valueLine = this.line;
          valueStart = i;
        }
        this.depth++;
      } else if (c === 125 || c === 93) {
        this.depth--;
        if (this.inValue && this.depth === this.base) {
          this.parts.push(chunk.slice(valueStart, i + 1));
          const text = this.parts.join('');
          this.parts = [];
          this.inValue = false;
          valueStart = -1;
          this.onValue(text, this.valueLine);
        }
      }
    }
    if (this.inValue && valueStart >= 0) this.parts.push(chunk.slice(valueStart));
  }

  /** Text of a value left open at the end (a truncated file), if any. */
  takeRest(): { text: string; line: number } | undefined {
    if (!this.inValue) return undefined;
    const rest = { text: this.parts.join(''), line: this.valueLine };
    this.parts = [];
    this.inValue = false;
    return rest;
  }
}
