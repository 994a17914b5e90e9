// Mutates real queries (token deletions, insertions, swaps, truncations, random bytes) and checks
// the parser's robustness contract: it never throws, always finishes quickly, and every
// diagnostic and node range lies inside the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import { parse } from '../../src/kql/syntax/index.js';
import { CORPUS, SEED_QUERIES } from '../util/paths.js';
import { collectRanges, diagnosticsWellFormed } from './walk.js';

const CASES = 12_000;

/** Deterministic PRNG (mulberry32) so a failure reproduces from its case number. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCABULARY = [
  '|', '(', ')', '[', ']', '{', '}', ',', ';', ':', '.', '..', '=', '==', '!=', '=~', '!~', '<', '>', '*', '-', '+', '/',
  "'", '"', '@', '`', '```', '\\', '$left', 'let', 'where', 'extend', 'project', 'summarize', 'by', 'on', 'join',
  'kind=', 'union', 'in', '!in', 'in~', 'has', '!has', 'between', 'and', 'or', 'datetime(', 'dynamic(', 'typeof(',
  'view', 'mv-expand', 'make-series', 'parse', 'with', 'step', 'from', 'to', 'render', 'scan', 'fork', 'partition',
  'materialize(', 'toscalar(', '1d', '0x', '1e', '1.', 'h"', "@'", '\u00b5', '\ud800', '\u2028', '\0', '//',
];

function tokens(text: string): string[] {
  return text.match(/\s+|[A-Za-z_$][\w-]*|\d[\w.]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|./gsu) ?? [];
}

function mutate(text: string, random: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  let toks = tokens(text);
  const rounds = 1 + Math.floor(random() * 4);
  for (let r = 0; r < rounds && toks.length > 0; r++) {
    const i = Math.floor(random() * toks.length);
    switch (Math.floor(random() * 7)) {
      case 0: toks.splice(i, 1 + Math.floor(random() * 3)); break;
      case 1: toks.splice(i, 0, pick(VOCABULARY)); break;
      case 2: { const j = Math.floor(random() * toks.length); [toks[i], toks[j]] = [toks[j], toks[i]]; break; }
      case 3: toks = toks.slice(0, i); break;
      case 4: {
        let bytes = '';
        const n = 1 + Math.floor(random() * 6);
        for (let k = 0; k < n; k++) bytes += String.fromCharCode(Math.floor(random() * (random() < 0.8 ? 128 : 0xffff)));
        toks.splice(i, 0, bytes);
        break;
      }
      case 5: toks.splice(i, 0, ...toks.slice(i, i + 1 + Math.floor(random() * 8))); break;
      default: toks[i] = pick(VOCABULARY); break;
    }
  }
  return toks.join('');
}

function checkContract(text: string, label: string): void {
  let result;
  try {
    result = parse(text);
  } catch (e) {
    assert.fail(`${label}: parse threw ${(e as Error).stack}\n${JSON.stringify(text.slice(0, 500))}`);
  }
  const bad = diagnosticsWellFormed(text, result.diagnostics);
  assert.equal(bad, undefined, `${label}: ${bad}\n${JSON.stringify(text.slice(0, 500))}`);
  assert.ok(!result.diagnostics.some((d) => d.message.startsWith('internal parser error')),
    `${label}: ${result.diagnostics.find((d) => d.message.startsWith('internal'))?.message}\n${JSON.stringify(text.slice(0, 500))}`);
  for (const r of collectRanges(result.query)) {
    assert.ok(r.start >= 0 && r.start <= r.end && r.end <= text.length, `${label}: ${r.kind} range ${r.start}-${r.end} outside text`);
  }
}

function sources(): string[] {
  const corpus = fs.readFileSync(CORPUS, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { query: string }).query);
  const seeds = fs.readdirSync(SEED_QUERIES).filter((f) => f.endsWith('.kql'))
    .map((f) => fs.readFileSync(`${SEED_QUERIES}/${f}`, 'utf8'));
  return [...seeds, ...corpus];
}

// A hang fails through the test timeout rather than a timing assertion (timings belong in bench/).
test(`mutated corpus queries never break the parser (${CASES} cases)`, { timeout: 300_000 }, () => {
  const all = sources();
  const random = rng(20240611);
  const started = performance.now();
  for (let c = 0; c < CASES; c++) {
    const base = all[Math.floor(random() * all.length)];
    checkContract(mutate(base, random), `case ${c}`);
  }
  console.log(`fuzz: ${CASES} mutated queries in ${(performance.now() - started).toFixed(0)} ms`);
});

test('arbitrary text never breaks the parser', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => { checkContract(text, 'arbitrary'); }), { numRuns: 2000, seed: 7 });
  const alphabet = fc.constantFrom(...VOCABULARY, ' ', '\n', 'a', 'T', '1');
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 60 }), (parts) => { checkContract(parts.join(' '), 'token soup'); }), { numRuns: 3000, seed: 11 });
});

test('pathological nesting is refused, not overflowed', () => {
  for (const text of ['print ' + '('.repeat(50_000), 'print ' + 'a['.repeat(50_000), 'let f = () {'.repeat(5_000), 'print dynamic(' + '['.repeat(50_000)]) {
    checkContract(text, 'nesting');
    assert.ok(parse(text).diagnostics.some((d) => d.message.includes('nested too deeply')));
  }
});
