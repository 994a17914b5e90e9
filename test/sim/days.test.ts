// Days are independent: generating any day alone, or the days in any order, gives exactly the
// bytes and labels of the sequential run. This is what lets generator threads split the days
// between them and still write the same files whatever their number.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DayOrder } from '../../src/sim/day-order.js';
import { memoryOutput, TABLES, type TableName } from '../../src/sim/output.js';
import { IDS_PER_DAY } from '../../src/sim/telemetry.js';
import { simulate, Simulation, type DayResult, type SimulationOptions } from '../../src/sim/simulate.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../../src/sim/time.js';

const END = Date.parse('2024-06-14T12:00:00Z');

/** Per table, the text each day added to one sink, generating the days in the given order. */
function byDay(options: SimulationOptions, order: readonly number[]): { texts: Map<number, Record<TableName, string>>; results: DayResult[]; sim: Simulation } {
  const sim = new Simulation(options);
  const mem = memoryOutput();
  const texts = new Map<number, Record<TableName, string>>();
  const results: DayResult[] = [];
  let before = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
  for (const index of order) {
    results.push(sim.generateDay(index, mem.output));
    const now = Object.fromEntries(TABLES.map((t) => [t, mem.text(t)])) as Record<TableName, string>;
    texts.set(index, Object.fromEntries(TABLES.map((t) => [t, now[t].slice(before[t])])) as Record<TableName, string>);
    before = Object.fromEntries(TABLES.map((t) => [t, now[t].length])) as Record<TableName, number>;
  }
  return { texts, results, sim };
}

function sequential(options: SimulationOptions): { text: Record<TableName, string>; labels: string } {
  const mem = memoryOutput();
  const result = simulate(options, mem.output);
  mem.output.close();
  return { text: Object.fromEntries(TABLES.map((t) => [t, mem.text(t)])) as Record<TableName, string>, labels: JSON.stringify(result.labels) };
}

test('the run is cut into UTC days of whole hours that cover it exactly', () => {
  const sim = new Simulation({ days: 2.25, hosts: 12, seed: 1, endMs: Date.parse('2024-06-14T05:30:00Z'), scale: 0.1 });
  const days = sim.days;
  assert.equal(days[0]!.firstHourMs, Math.floor(sim.startMs / MS_PER_HOUR) * MS_PER_HOUR);
  assert.ok(days.at(-1)!.endHourMs >= sim.endMs && days.at(-1)!.endHourMs - MS_PER_HOUR < sim.endMs);
  assert.equal(days.reduce((n, d) => n + d.hours, 0), sim.totalHours);
  days.forEach((d, i) => {
    assert.equal(d.index, i);
    assert.equal(Math.floor(d.firstHourMs / MS_PER_DAY), Math.floor((d.endHourMs - 1) / MS_PER_DAY), 'a day stays within one UTC day');
    if (i > 0) assert.equal(d.firstHourMs, days[i - 1]!.endHourMs);
  });
  assert.equal(days.length, 4);
});

test('each day generated alone, in any order, gives the bytes and labels of the sequential run', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 2, max: 3 }),
    (seed, endHour, days) => {
      const options: SimulationOptions = { days, hosts: 14, seed, endMs: END - 12 * MS_PER_HOUR + endHour * MS_PER_HOUR, scale: 0.15 };
      const whole = sequential(options);
      const n = new Simulation(options).days.length;
      // Every day alone, each in a fresh simulation and sink.
      const alone = Array.from({ length: n }, (_, d) => byDay(options, [d]));
      for (const t of TABLES) assert.equal(alone.map((a) => a.texts.get(a.results[0]!.index)![t]).join(''), whole.text[t], t);
      assert.equal(JSON.stringify(alone[0]!.sim.labels(alone.map((a) => a.results[0]!))), whole.labels);
      // All days backwards through one sink: what a day leaves behind does not reach another.
      const backwards = byDay(options, Array.from({ length: n }, (_, d) => n - 1 - d));
      for (const t of TABLES) assert.equal(Array.from({ length: n }, (_, d) => backwards.texts.get(d)![t]).join(''), whole.text[t], t);
      assert.equal(JSON.stringify(backwards.sim.labels(backwards.results)), whole.labels);
    },
  ), { numRuns: 3 });
});

test('ReportId and firewall session ids are unique, each day numbering from its own range', () => {
  const { texts } = byDay({ days: 2, hosts: 20, seed: 5, endMs: END, scale: 0.2 }, [0, 1, 2]);
  const seen = new Set<number>();
  for (const [day, text] of texts) {
    for (const table of ['DeviceNetworkEvents', 'DeviceFileEvents', 'DeviceProcessEvents'] as const) {
      for (const line of text[table].split('\n')) {
        if (line === '') continue;
        const id = (JSON.parse(line) as { ReportId: number }).ReportId;
        assert.equal(Math.floor(id / IDS_PER_DAY), day, `${table} ReportId ${id} of day ${day}`);
        assert.ok(!seen.has(id), `ReportId ${id} repeats`);
        seen.add(id);
      }
    }
    const sessions = text.CommonSecurityLog.split('\n').filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { DeviceCustomNumber1?: number; Message?: string })
      .map((r) => r.DeviceCustomNumber1 ?? Number(/connection (\d+) /.exec(r.Message ?? '')?.[1]));
    for (const id of sessions) assert.equal(Math.floor(id / IDS_PER_DAY), day, `session id ${id} of day ${day}`);
  }
  assert.ok(seen.size > 1000);
});

test('DayOrder writes every day\'s items in day order, whatever the interleaving of their arrival', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 60 }),
    (itemsPerDay, picks) => {
      const days = itemsPerDay.length;
      const written: string[] = [];
      const order = new DayOrder<string>(days, (item, day) => written.push(`${day}:${item}`));
      // Each day's items arrive in order, then its end; days interleave as the picks say.
      const next = itemsPerDay.map(() => 0);
      const open = itemsPerDay.map((_, d) => d);
      let k = 0;
      while (open.length > 0) {
        const at = (picks[k++ % Math.max(1, picks.length)] ?? 0) % open.length;
        const d = open[at]!;
        if (next[d]! < itemsPerDay[d]!) order.add(d, String(next[d]!++));
        else {
          order.finish(d);
          open.splice(at, 1);
        }
      }
      assert.ok(order.complete);
      assert.deepEqual(written, itemsPerDay.flatMap((n, d) => Array.from({ length: n }, (_, i) => `${d}:${i}`)));
    },
  ));
});
