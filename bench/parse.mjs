// Front-end speed: parse and check the whole Sentinel corpus in one process.
// Timings live here, never in tests. Run after `npm run build`: node bench/parse.mjs
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '../dist/src/kql/syntax/index.js';

const corpus = path.resolve('..', 'shared', 'sentinel', 'corpus.jsonl');
const queries = fs.readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).query);
const cold = performance.now();
for (const q of queries) parse(q);
const coldMs = performance.now() - cold;
const warm = performance.now();
for (const q of queries) parse(q);
const warmMs = performance.now() - warm;
console.log(`parse: ${queries.length} corpus queries, first pass ${coldMs.toFixed(0)} ms, second pass ${warmMs.toFixed(0)} ms`);
