// The ingest converters and CEF extension splitter as they were before the performance work
// (regex- and slice-based, commit f2dbcdb), kept verbatim as oracles: the in-place versions
// must agree with them on every input.

import { UNIX_EPOCH_TICKS } from '../../src/kql/data/column.js';
import { datetimeFromParts } from '../../src/kql/values/datetime.js';
import { MONTHS } from '../../src/ingest/convert.js';

function isIntegerText(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 17) return false;
  let i = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function referenceToLong(s: string): number | undefined {
  if (!isIntegerText(s)) return undefined;
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : undefined;
}

export function referenceToInt(s: string): number | undefined {
  const v = referenceToLong(s);
  return v !== undefined && v >= -2147483648 && v <= 2147483647 ? v : undefined;
}

const REAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function referenceToReal(s: string): number | undefined {
  return REAL_TEXT.test(s) ? Number(s) : undefined;
}

function yearOf(ticks: bigint): number {
  return new Date(Number((ticks - UNIX_EPOCH_TICKS) / 10_000n)).getUTCFullYear();
}

export function referenceParseBsdTimestamp(s: string, start: number, reference: bigint): { ticks: bigint; end: number } | undefined {
  const m = BSD_TIMESTAMP.exec(s.slice(start, start + 40));
  if (m === null) return undefined;
  const month = MONTHS[m[1]!];
  if (month === undefined) return undefined;
  const day = Number(m[2]);
  let year = m[3] !== undefined ? Number(m[3]) : yearOf(reference);
  const hour = Number(m[4]), minute = Number(m[5]), second = Number(m[6]);
  const fraction = m[7] ?? '';
  const fracTicks = fraction === '' ? 0n : BigInt((fraction + '0000000').slice(0, 7));
  const build = (y: number): bigint | undefined => {
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
    const base = datetimeFromParts(y, month, day, hour, minute, Math.min(second, 59), 0);
    return base === null ? undefined : base + fracTicks;
  };
  let ticks = build(year);
  if (ticks === undefined) return undefined;
  if (m[3] === undefined && ticks > reference + 864_000_000_000n) {
    year -= 1;
    ticks = build(year);
    if (ticks === undefined) return undefined;
  }
  return { ticks, end: start + m[0].length };
}

const BSD_TIMESTAMP = /^([A-Z][a-z]{2}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 91 || c === 93;
}

function unescapeExtensionValue(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1];
      if (n === '=' || n === '\\') { out += n; i++; continue; }
      if (n === 'n') { out += '\n'; i++; continue; }
      if (n === 'r') { out += '\r'; i++; continue; }
    }
    out += c;
  }
  return out;
}

/** The extension's key/value pairs in order. Text before the first key (malformed) is returned as `leading`. */
export function referenceParseCefExtension(text: string, start: number): { pairs: [string, string][]; leading: string } {
  const pairs: [string, string][] = [];
  let keyStart = -1;
  let key = '';
  let valueStart = -1;
  let leading = '';
  let eq = text.indexOf('=', start);
  while (eq >= 0) {
    // An escaped `\=` is value text (count the backslashes: `\\=` is an escaped backslash, then `=`).
    let slashes = 0;
    for (let j = eq - 1; j >= start && text.charCodeAt(j) === 92; j--) slashes++;
    if (slashes % 2 === 0) {
      let k = eq;
      while (k > start && isKeyChar(text.charCodeAt(k - 1))) k--;
      const boundary = k < eq && (k === start || text.charCodeAt(k - 1) === 32);
      if (boundary) {
        if (valueStart >= 0) {
          pairs.push([key, unescapeExtensionValue(text.slice(valueStart, Math.max(valueStart, k - 1)).trimEnd())]);
        } else if (k > start) {
          leading = text.slice(start, k).trim();
        }
        keyStart = k;
        key = text.slice(keyStart, eq);
        valueStart = eq + 1;
      }
    }
    eq = text.indexOf('=', eq + 1);
  }
  if (valueStart >= 0) pairs.push([key, unescapeExtensionValue(text.slice(valueStart).trimEnd())]);
  else leading = text.slice(start).trim();
  return { pairs, leading };
}

