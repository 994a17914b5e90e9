// The KQL scanner: turns query text into a flat token array in one pass.
//
// Words are not classified as keywords here: KQL keywords are contextual (a column may be
// called `kind` or `step`), so the parser decides by looking at `text`. The scanner only
// glues together the spellings that ADX treats as a single token: dashed operator names
// (`project-away`), negated word operators (`!has`), `in~`, and the typed literals whose
// parenthesised contents are not KQL tokens (`datetime(2020-01-01 10:00)`, `guid(...)`).

import { TIMESPAN_UNITS } from '../values/timespan.js';

export type TokenKind =
  | 'ident'       // a word, possibly a keyword; `$left`; digits followed by letters (`1xyz`)
  | 'long'        // 123, 0x1F
  | 'real'        // 1.5, 1e3
  | 'timespan'    // 1d, 2.5h, 10ms, 3ticks
  | 'string'      // any quoting form; `value` holds the decoded text
  | 'typed'       // datetime(...), time(...), guid(...), int(...), long(...), real(...), bool(...), decimal(...)
  | 'punct'       // operators and punctuation, including `!has`, `in~`, `..`, `=>`
  | 'bad'         // a character that starts no token
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text, except for glued tokens where it is the canonical spelling. */
  text: string;
  start: number;
  end: number;
  /** Decoded string contents, or the raw text between the parentheses of a typed literal. */
  value?: string;
  /** For 'typed': the keyword before the parenthesis, lower-cased. For 'timespan': the unit. */
  detail?: string;
}

export interface LexDiagnostic {
  message: string;
  start: number;
  end: number;
}

/** Operator names written with a dash; each is one token, as in ADX. */
const DASHED_WORDS = new Set([
  'project-away', 'project-keep', 'project-rename', 'project-reorder', 'project-smart',
  'mv-expand', 'mv-apply', 'make-series', 'make-graph', 'parse-where', 'parse-kv',
  'sample-distinct', 'top-nested', 'top-hitters', 'granny-asc', 'granny-desc',
  'graph-match', 'graph-merge', 'graph-to-table', 'graph-shortest-paths', 'graph-mark-components',
  'macro-expand', 'assert-schema', 'materialized-view-combine', 'stored-query-result',
  'execute-and-cache', 'partition-by',
]);

/** Every proper dashed prefix of a dashed word (`graph-shortest` for `graph-shortest-paths`). */
const DASHED_PREFIXES = new Set(
  Array.from(DASHED_WORDS).flatMap((w) => w.split('-').slice(1).map((_, i, parts) => w.split('-').slice(0, i + 1).join('-'))),
);

/** Word operators that may be negated with a leading `!` (written without a space). */
const NEGATABLE_WORDS = new Set([
  'has', 'has_cs', 'hasprefix', 'hasprefix_cs', 'hassuffix', 'hassuffix_cs',
  'contains', 'contains_cs', 'startswith', 'startswith_cs', 'endswith', 'endswith_cs',
  'in', 'between', 'has_any', 'has_all',
]);

/**
 * Keywords whose parenthesised argument is raw text rather than tokens. The map gives the
 * canonical literal kind the parser evaluates it as.
 */
export const TYPED_LITERAL_WORDS: Readonly<Record<string, string>> = {
  datetime: 'datetime', date: 'datetime',
  time: 'timespan', timespan: 'timespan',
  guid: 'guid', uniqueid: 'guid', uuid: 'guid',
  int: 'int', int32: 'int',
  long: 'long', int64: 'long',
  real: 'real', double: 'real',
  decimal: 'decimal',
  bool: 'bool', boolean: 'bool',
};

/** Suffixes that make a number a timespan (`1d`, `10ms`, `3ticks`). */
const TIMESPAN_SUFFIXES: ReadonlySet<string> = new Set(TIMESPAN_UNITS);

const PUNCTUATION_2 = ['==', '!=', '<>', '<=', '>=', '=~', '!~', '..', '=>'];
const PUNCTUATION_1 = '|()[]{},;:.=<>+-*/%?@!~';

/** Every token has the same shape, which keeps property access monomorphic and fast. */
function token(kind: TokenKind, text: string, start: number, end: number, value?: string, detail?: string): Token {
  return { kind, text, start, end, value, detail };
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127 && isUnicodeLetter(c);
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isUnicodeLetter(c: number): boolean {
  return /\p{L}/u.test(String.fromCharCode(c));
}
function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xa0 || c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200b) || c === 0x1680 || c === 0x180e || c === 0x202f || c === 0x205f ||
    c === 0x3000 || c === 0x2028 || c === 0x2029;
}

export interface LexResult {
  tokens: Token[];
  diagnostics: LexDiagnostic[];
}

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const diagnostics: LexDiagnostic[] = [];
  const n = text.length;
  let pos = 0;

  const push = (kind: TokenKind, start: number, end: number, extra?: Partial<Token>): void => {
    tokens.push(token(kind, text.slice(start, end), start, end, extra?.value, extra?.detail));
  };

  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (isWhitespace(c)) { pos++; continue; }
    if (c === 47 /* / */ && text.charCodeAt(pos + 1) === 47) {
      while (pos < n && text.charCodeAt(pos) !== 10 && text.charCodeAt(pos) !== 13) pos++;
      continue;
    }
    const start = pos;

    // Strings, including the h-prefixed (obfuscated) and @-prefixed (verbatim) forms.
    const stringEnd = scanString(text, pos, diagnostics);
    if (stringEnd) {
      tokens.push(token('string', text.slice(start, stringEnd.end), start, stringEnd.end, stringEnd.value));
      pos = stringEnd.end;
      continue;
    }

    if (isDigit(c)) {
      pos = scanNumber(text, pos, tokens);
      continue;
    }

    if (isIdentStart(c) || (c === 36 /* $ */ && isIdentStart(text.charCodeAt(pos + 1)))) {
      pos++;
      while (pos < n && isIdentPart(text.charCodeAt(pos))) pos++;
      // Dashed operator names: the longest dashed spelling that is a known word.
      let word = text.slice(start, pos);
      let probe = pos;
      while (text.charCodeAt(probe) === 45 /* - */ && isIdentStart(text.charCodeAt(probe + 1))) {
        let q = probe + 1;
        while (q < n && isIdentPart(text.charCodeAt(q))) q++;
        const candidate = text.slice(start, q);
        if (DASHED_WORDS.has(candidate)) { word = candidate; pos = q; probe = q; continue; }
        // keep looking for longer spellings like graph-shortest-paths
        if (!DASHED_PREFIXES.has(candidate)) break;
        probe = q;
      }
      if (word === 'in' && text.charCodeAt(pos) === 126 /* ~ */) {
        pos++;
        push('punct', start, pos);
        continue;
      }
      if (word === 'matches' && /^\s+regex\b/.test(text.slice(pos, pos + 40))) {
        // `matches regex` is one operator; keep the original positions.
        const m = /^\s+regex/.exec(text.slice(pos))!;
        pos += m[0].length;
        tokens.push(token('punct', 'matches regex', start, pos));
        continue;
      }
      const literalKind = Object.prototype.hasOwnProperty.call(TYPED_LITERAL_WORDS, word) ? TYPED_LITERAL_WORDS[word] : undefined;
      if (literalKind) {
        let q = pos;
        while (q < n && isWhitespace(text.charCodeAt(q))) q++;
        if (text.charCodeAt(q) === 40 /* ( */) {
          const close = text.indexOf(')', q + 1);
          if (close < 0) {
            diagnostics.push({ message: `unterminated ${word}(...) literal: missing ')'`, start, end: n });
            tokens.push(token('typed', text.slice(start), start, n, text.slice(q + 1), word));
            pos = n;
          } else {
            tokens.push(token('typed', text.slice(start, close + 1), start, close + 1, text.slice(q + 1, close), word));
            pos = close + 1;
          }
          continue;
        }
      }
      push('ident', start, pos);
      continue;
    }

    if (c === 33 /* ! */ && isIdentStart(text.charCodeAt(pos + 1))) {
      let q = pos + 1;
      while (q < n && isIdentPart(text.charCodeAt(q))) q++;
      const word = text.slice(pos + 1, q);
      if (NEGATABLE_WORDS.has(word)) {
        if (word === 'in' && text.charCodeAt(q) === 126) q++;
        push('punct', start, q);
        pos = q;
        continue;
      }
    }

    let matched = '';
    if (PUNCTUATION_1.includes(text[pos])) {
      matched = text[pos];
      const two = text.slice(pos, pos + 2);
      if (PUNCTUATION_2.includes(two)) matched = two;
      if (text.startsWith('!in~', pos)) matched = '!in~';
    }
    if (matched) {
      pos += matched.length;
      push('punct', start, pos);
      continue;
    }

    // Surrogate pairs stay together so positions never split a character.
    const width = c >= 0xd800 && c <= 0xdbff && pos + 1 < n ? 2 : 1;
    pos += width;
    push('bad', start, pos);
    diagnostics.push({ message: `unexpected character '${text.slice(start, pos)}'`, start, end: pos });
  }
  tokens.push(token('eof', '', n, n));
  // An escape at the very end of the text can point one past it.
  for (const d of diagnostics) d.end = Math.min(d.end, n);
  return { tokens, diagnostics };
}

function scanNumber(text: string, pos: number, tokens: Token[]): number {
  const start = pos;
  const n = text.length;
  if (text.charCodeAt(pos) === 48 && (text[pos + 1] === 'x' || text[pos + 1] === 'X') && isHexDigit(text.charCodeAt(pos + 2))) {
    pos += 2;
    while (pos < n && isHexDigit(text.charCodeAt(pos))) pos++;
    if (!isIdentPart(text.charCodeAt(pos))) {
      tokens.push(token('long', text.slice(start, pos), start, pos));
      return pos;
    }
    pos = start;
  }
  while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
  let isReal = false;
  // `1..5` is a range, not the real `1.` followed by `.5`.
  if (text.charCodeAt(pos) === 46 && text.charCodeAt(pos + 1) !== 46) {
    isReal = true;
    pos++;
    while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
  }
  const mantissaEnd = pos;
  if (text[pos] === 'e' || text[pos] === 'E') {
    let q = pos + 1;
    if (text[q] === '+' || text[q] === '-') q++;
    if (isDigit(text.charCodeAt(q))) {
      while (q < n && isDigit(text.charCodeAt(q))) q++;
      if (!isIdentPart(text.charCodeAt(q))) {
        tokens.push(token('real', text.slice(start, q), start, q));
        return q;
      }
    }
  }
  if (isIdentStart(text.charCodeAt(pos))) {
    let q = pos;
    while (q < n && isIdentPart(text.charCodeAt(q))) q++;
    const unit = text.slice(pos, q);
    if (TIMESPAN_SUFFIXES.has(unit) && !text.slice(start, mantissaEnd).endsWith('.')) {
      tokens.push(token('timespan', text.slice(start, q), start, q, undefined, unit));
      return q;
    }
    if (!isReal) {
      // ADX lexes digits followed by letters (`1xyz`) as an identifier.
      tokens.push(token('ident', text.slice(start, q), start, q));
      return q;
    }
  }
  tokens.push(token(isReal ? 'real' : 'long', text.slice(start, pos), start, pos));
  return pos;
}

/**
 * Scans a string literal starting at `pos` if one starts there. Returns the end offset and
 * decoded value, or undefined when `pos` does not start a string.
 */
function scanString(text: string, pos: number, diagnostics: LexDiagnostic[]): { end: number; value: string } | undefined {
  const start = pos;
  let c = text[pos];
  if ((c === 'h' || c === 'H') && (text[pos + 1] === '"' || text[pos + 1] === "'" || text[pos + 1] === '@' || text.startsWith('```', pos + 1) || text.startsWith('~~~', pos + 1))) {
    if (text[pos + 1] === '@' && text[pos + 2] !== '"' && text[pos + 2] !== "'") return undefined;
    pos++;
    c = text[pos];
  }
  if (text.startsWith('```', pos) || text.startsWith('~~~', pos)) {
    const fence = text.slice(pos, pos + 3);
    const close = text.indexOf(fence, pos + 3);
    if (close < 0) {
      diagnostics.push({ message: `unterminated multi-line string: missing closing ${fence}`, start, end: text.length });
      return { end: text.length, value: text.slice(pos + 3) };
    }
    return { end: close + 3, value: text.slice(pos + 3, close) };
  }
  if (c === '@' && (text[pos + 1] === '"' || text[pos + 1] === "'")) {
    const quote = text[pos + 1];
    let value = '';
    let q = pos + 2;
    for (;;) {
      if (q >= text.length || text[q] === '\n' || text[q] === '\r') {
        diagnostics.push({ message: `unterminated string literal: missing closing ${quote}`, start, end: q });
        return { end: q, value };
      }
      if (text[q] === quote) {
        if (text[q + 1] === quote) { value += quote; q += 2; continue; }
        return { end: q + 1, value };
      }
      value += text[q++];
    }
  }
  if (c !== '"' && c !== "'") return undefined;
  const quote = c;
  let value = '';
  let q = pos + 1;
  for (;;) {
    if (q >= text.length || text[q] === '\n' || text[q] === '\r') {
      q = Math.min(q, text.length);
      diagnostics.push({ message: `unterminated string literal: missing closing ${quote}`, start, end: q });
      return { end: q, value };
    }
    const ch = text[q];
    if (ch === quote) return { end: q + 1, value };
    if (ch !== '\\') { value += ch; q++; continue; }
    const escape = decodeEscape(text, q);
    if (!escape) {
      diagnostics.push({ message: `invalid escape sequence '${text.slice(q, q + 2)}' in string literal`, start: q, end: Math.min(q + 2, text.length) });
      value += text[q + 1] ?? '';
      q += 2;
      continue;
    }
    value += escape.value;
    q = escape.end;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "'": "'", '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

function decodeEscape(text: string, pos: number): { value: string; end: number } | undefined {
  const e = text[pos + 1];
  if (e === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e)) return { value: SIMPLE_ESCAPES[e], end: pos + 2 };
  const hexRun = (from: number, count: number): string | undefined => {
    const s = text.slice(from, from + count);
    return s.length === count && /^[0-9a-fA-F]+$/.test(s) ? s : undefined;
  };
  if (e === 'u') {
    const h = hexRun(pos + 2, 4);
    return h ? { value: String.fromCharCode(parseInt(h, 16)), end: pos + 6 } : undefined;
  }
  if (e === 'U') {
    const h = hexRun(pos + 2, 8);
    if (!h) return undefined;
    const cp = parseInt(h, 16);
    return cp <= 0x10ffff ? { value: String.fromCodePoint(cp), end: pos + 10 } : undefined;
  }
  if (e === 'x') {
    let q = pos + 2;
    while (q < pos + 4 && isHexDigit(text.charCodeAt(q))) q++;
    if (q === pos + 2) return undefined;
    return { value: String.fromCharCode(parseInt(text.slice(pos + 2, q), 16)), end: q };
  }
  if (e >= '0' && e <= '7') {
    let q = pos + 1;
    while (q < pos + 4 && text[q] >= '0' && text[q] <= '7') q++;
    return { value: String.fromCharCode(parseInt(text.slice(pos + 1, q), 8) & 0xff), end: q };
  }
  return undefined;
}
