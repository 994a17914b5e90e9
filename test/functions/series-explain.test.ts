// The worked example of docs/series.md ("Reading an anomaly"), run through query(): hourly logons
// with a daily rhythm and one burst; the period, the baseline and the score side by side.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../src/kql/index.js';
import { columnFromScalars } from '../../src/kql/exec/columns.js';
import type { Table } from '../../src/kql/data/column.js';
import { formatScalar } from '../../src/kql/values/format.js';
import { parseDatetimeLiteral } from '../../src/kql/values/datetime.js';
import { REPO_ROOT } from '../util/paths.js';

// Kept verbatim in docs/series.md (the last test checks that).
const READING_AN_ANOMALY = `Logons
| make-series Logons = count() on Timestamp from bin(ago(14d), 1h) to bin(now(), 1h) step 1h by Computer
| extend (Flags, Score, Baseline) = series_decompose_anomalies(Logons)
| extend (Periods, PeriodScores) = series_periods_detect(Logons, 4, 24 * 7, 2)
| extend Period = toint(Periods[0]), PeriodScore = todouble(PeriodScores[0])
| mv-expand Timestamp to typeof(datetime), Logons to typeof(long), Flags to typeof(int),
    Score to typeof(real), Baseline to typeof(real)
| where Flags != 0
| project Computer, Timestamp, Logons, Baseline, Score, Period, PeriodScore
| order by Score desc`;

const NOW = parseDatetimeLiteral('2024-01-15T00:00:00Z')!;
const HOUR = 36_000_000_000n;
const START = NOW - 14n * 24n * HOUR;
const SPIKE_HOUR = 9 * 24 + 3; // 03:00 on day 10: a quiet hour, when a burst stands out most

/** Daytime-heavy logons (2 per hour at night to 18 at 14:00), a small deterministic jitter, one burst. */
function logonsPerHour(h: number): number {
  const hourOfDay = h % 24;
  const daily = 10 - 8 * Math.cos((2 * Math.PI * (hourOfDay - 2)) / 24);
  const jitter = ((h * 7919) % 5) - 2;
  return Math.max(0, Math.round(daily + jitter)) + (h === SPIKE_HOUR ? 60 : 0);
}

function logonsTable(): Table {
  const stamps: bigint[] = [];
  for (let h = 0; h < 14 * 24; h++) {
    for (let k = 0; k < logonsPerHour(h); k++) stamps.push(START + BigInt(h) * HOUR + BigInt(k) * 10_000_000n);
  }
  return {
    length: stamps.length,
    columns: [
      { name: 'Timestamp', column: columnFromScalars('datetime', stamps) },
      { name: 'Computer', column: columnFromScalars('string', stamps.map(() => 'dc01')) },
    ],
  };
}

test('reading an anomaly: period 24 found, the burst hour scores highest, baseline is the usual level', () => {
  const result = query(READING_AN_ANOMALY, { tables: new Map([['Logons', logonsTable()]]), now: NOW });
  assert.deepEqual(result.columns.map((c) => `${c.name}:${c.type}`), [
    'Computer:string', 'Timestamp:datetime', 'Logons:long', 'Baseline:real', 'Score:real', 'Period:int', 'PeriodScore:real',
  ]);
  assert.ok(result.table.length >= 1, 'at least the burst is flagged');
  const cell = (name: string, row: number): unknown => result.table.columns.find((c) => c.name === name)!.column.get(row);

  assert.equal(formatScalar('datetime', cell('Timestamp', 0) as bigint), formatScalar('datetime', START + BigInt(SPIKE_HOUR) * HOUR));
  assert.equal(cell('Logons', 0), logonsPerHour(SPIKE_HOUR));
  assert.equal(cell('Period', 0), 24);
  assert.ok((cell('PeriodScore', 0) as number) > 0.6, `period score ${cell('PeriodScore', 0)}`);
  // The baseline is what 03:00 usually looks like (about 2 logons), not the burst.
  const baseline = cell('Baseline', 0) as number;
  assert.ok(Math.abs(baseline - 2.7) < 2, `baseline ${baseline}`);
  assert.ok((cell('Score', 0) as number) > 1.5);
  for (let r = 1; r < result.table.length; r++) {
    assert.ok((cell('Score', r) as number) < (cell('Score', 0) as number), 'the burst has the top score');
  }
});

test('without the burst nothing at 03:00 on day 10 is flagged', () => {
  // Guards the test above: the flag must come from the burst, not from the rhythm or jitter.
  const t = logonsTable();
  const spikeStart = START + BigInt(SPIKE_HOUR) * HOUR;
  const keep: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const ts = t.columns[0]!.column.get(i) as bigint;
    if (ts < spikeStart || ts >= spikeStart + HOUR || (ts - spikeStart) / 10_000_000n < BigInt(logonsPerHour(SPIKE_HOUR) - 60)) keep.push(i);
  }
  const calm: Table = {
    length: keep.length,
    columns: t.columns.map((c) => ({ name: c.name, column: columnFromScalars(c.column.type, keep.map((i) => c.column.get(i))) })),
  };
  const result = query(READING_AN_ANOMALY, { tables: new Map([['Logons', calm]]), now: NOW });
  const stamps = result.table.columns.find((c) => c.name === 'Timestamp')!.column;
  for (let r = 0; r < result.table.length; r++) assert.notEqual(stamps.get(r), spikeStart);
});

test('docs/series.md shows exactly the query tested here', () => {
  const docs = readFileSync(path.join(REPO_ROOT, 'docs', 'series.md'), 'utf8');
  assert.ok(docs.includes('```kql\n' + READING_AN_ANOMALY + '\n```'), 'the "Reading an anomaly" example matches');
});
