// What the third speed round remembers between lines (the previous CEF header's split, the
// previous timestamp's answer, one outcome object per parser) and what it skips (the tag regex
// when no word can be a tag) must not change any result: a line parses the same whatever line
// came before it, and the envelope splits as the code it replaced did.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCefLine } from '../../src/ingest/cef.js';
import type { ParseContext, ParseOutcome } from '../../src/ingest/record.js';
import { rowFromFields } from '../../src/ingest/record.js';
import { parseSyslogEnvelope } from '../../src/ingest/syslog.js';
import { LineSplitter } from '../../src/ingest/text-stream.js';
import { ZeekTsvReader } from '../../src/ingest/zeek.js';
import { referenceParseSyslogEnvelope } from './reference-syslog.js';

const INGEST_TIME = 638_527_968_000_000_000n;

function context(deferRows: boolean): ParseContext & { bad: string[] } {
  const bad: string[] = [];
  return { ingestTime: INGEST_TIME, badField: (c, t) => { bad.push(`${c}=${t}`); }, deferRows, bad };
}

/** The outcome as plain data (a deferred outcome's fields become the row they describe). */
function settled(outcome: ParseOutcome): unknown {
  if ('error' in outcome) return { error: outcome.error };
  return { table: outcome.table, row: outcome.fields === undefined ? outcome.row : rowFromFields(outcome.fields) };
}

const textOf = (alphabet: string, maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet.split('')), { maxLength }).map((cs) => cs.join(''));

/** CEF lines whose headers share prefixes, escapes and pipe counts in every combination. */
const cefLine = fc.tuple(
  fc.constantFrom('', '<134>Nov 14 22:13:20 fw01 ', 'x '),
  fc.array(textOf('ab|\\ ', 4), { minLength: 4, maxLength: 7 }).map((fields) => fields.join('|')),
  fc.constantFrom('', 'rt=Nov 14 2023 22:13:20 src=10.0.0.1 spt=80', 'act=allow\\=x dpt=x7 cs1=a\\\\|b', 'junk k=v'),
).map(([envelope, header, extension]) => `${envelope}CEF:0|${header}|${extension}`);

test('a CEF line parses the same whatever line came before it (header split reused only when it applies)', () => {
  fc.assert(fc.property(cefLine, cefLine, fc.integer({ min: -3, max: 30 }), fc.boolean(), fc.boolean(), (previous, line, back, fromEnd, deferRows) => {
    // The line mostly starts with some of the previous line's text: its whole header, or all
    // but the last few characters of it (where a reuse that checked too little would go wrong).
    let subject = line;
    if (back >= 0) {
      const headerEnd = previous.lastIndexOf('|');
      const cut = fromEnd ? Math.max(0, headerEnd + 1 - back) : previous.indexOf('CEF:') + 4 + back;
      subject = previous.slice(0, cut) + line.slice(Math.min(line.length, cut));
    }
    const fresh = context(deferRows);
    parseCefLine('CEF:0|zz|zz|zz|zz|zz|zz|', fresh);
    const expected = settled(parseCefLine(subject, fresh));
    const after = context(deferRows);
    parseCefLine(previous, after);
    const badBefore = after.bad.length;
    const label = `${JSON.stringify(previous)} then ${JSON.stringify(subject)}`;
    assert.deepEqual(settled(parseCefLine(subject, after)), expected, label);
    assert.deepEqual(after.bad.slice(badBefore), fresh.bad, label);
  }), { numRuns: 3000 });
});

test('the deferred CEF outcome is reused, and each use carries that line\'s fields', () => {
  const ctx = context(true);
  const first = parseCefLine('CEF:0|v|p|1|sig|name|3|src=10.0.0.1 msg=one', ctx);
  const firstRow = settled(first);
  const second = parseCefLine('CEF:0|v|p|1|sig|name|3|src=10.0.0.2 msg=two', ctx);
  assert.deepEqual((settled(second) as { row: Record<string, unknown> }).row['Message'], 'two');
  assert.deepEqual((firstRow as { row: Record<string, unknown> }).row['Message'], 'one');
});

const syslogLine = fc.tuple(
  fc.constantFrom('', '<13>', '<191>', '<192>', '<1>', '<13', '<abc>', '<13>1 '),
  fc.constantFrom('', 'Nov 14 22:13:20 ', 'Nov  4 22:13:20: ', '2024-01-02T03:04:05Z ', '2024-01-02T03:04:05.123+02:00 ', '- '),
  fc.constantFrom('', 'host ', 'fw01 ', '%ASA-6-1: ', 'CEF:0|a ', 'sshd[12]: ', 'app: ', 'a:b ', 'x[ y]: ', 'h[1] '),
  textOf('ab :[]%-"\\', 40),
).map((parts) => parts.join(''));

test('parseSyslogEnvelope splits every line as the version before the third speed round did', () => {
  fc.assert(fc.property(syslogLine, (line) => {
    assert.deepEqual(parseSyslogEnvelope(line, INGEST_TIME), referenceParseSyslogEnvelope(line, INGEST_TIME), JSON.stringify(line));
  }), { numRuns: 5000 });
  for (const line of ['<134>Nov 14 22:13:20 fw01 CEF:0|a|b|c|d|e|f|', '<13>1 2024-01-02T03:04:05Z h a p m - msg', 'Nov 14 22:13:20 h tag: m', '<13>']) {
    assert.deepEqual(parseSyslogEnvelope(line, INGEST_TIME), referenceParseSyslogEnvelope(line, INGEST_TIME), line);
  }
});

test('Zeek deferred outcomes: one object per reader, its table and fields those of the line just parsed', () => {
  const reader = new ZeekTsvReader('conn.log', () => {});
  for (const h of ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn',
    '#fields\tts\tuid\ttunnel_parents', '#types\ttime\tstring\tset[string]']) assert.equal(reader.isHeader(h), true);
  const ctx = context(true);
  const a = reader.parse('1700000000.5\tCa\t(empty)', ctx);
  const aRow = settled(a) as { table: string; row: Record<string, unknown> };
  assert.deepEqual(aRow.row['tunnel_parents'], []);
  assert.throws(() => (aRow.row['tunnel_parents'] as unknown[]).push('x'), TypeError);
  const b = reader.parse('1700000001\tCb\tx,y', ctx);
  assert.equal(a, b);
  const bRow = settled(b) as { table: string; row: Record<string, unknown> };
  assert.equal(bRow.table, 'Zeek_conn');
  assert.equal(bRow.row['uid'], 'Cb');
  assert.deepEqual(bRow.row['tunnel_parents'], ['x', 'y']);
  // Rows made as objects (no deferral) get arrays of their own.
  const c = reader.parse('1700000002\tCc\t(empty)', context(false));
  assert.ok(!('error' in c));
  (c.row['tunnel_parents'] as unknown[]).push('mine');
});

test('LineSplitter: lines cut from an ASCII chunk\'s bytes are the lines its text splits into (CRLF, lines across chunks)', () => {
  const text = textOf('ab\r\n ', 60);
  fc.assert(fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), fc.array(fc.boolean(), { maxLength: 6 }), (chunks, withBytes) => {
    const split = (useBytes: (i: number) => boolean): [string, number, boolean][] => {
      const lines: [string, number, boolean][] = [];
      const splitter = new LineSplitter((t, n, oversized) => { lines.push([t, n, oversized]); });
      chunks.forEach((c, i) => splitter.push(c, useBytes(i) ? Buffer.from(c, 'latin1') : undefined));
      const rest = splitter.takeRest();
      if (rest !== undefined) lines.push([rest.text, -1, rest.oversized]);
      return lines;
    };
    assert.deepEqual(split((i) => withBytes[i] ?? true), split(() => false), JSON.stringify(chunks));
  }), { numRuns: 3000 });
  // Bytes that are not the chunk's (another length) are ignored rather than misread.
  const lines: string[] = [];
  new LineSplitter((t) => { lines.push(t); }).push('ab\ncd\n', Buffer.from('xyz\n'));
  assert.deepEqual(lines, ['ab', 'cd']);
});
