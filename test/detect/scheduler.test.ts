// The scheduler of `kqlhunt run`: slot alignment, catch-up after downtime, restarts that
// neither re-run completed slots nor raise an alert twice, and failing rules that do not stop it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadSchemaCatalog } from '../../src/io/schemas.js';
import { loadDataSources } from '../../src/io/data-files.js';
import { loadRuleFile, type Rule } from '../../src/detect/rule.js';
import { memoryData, type HuntData } from '../../src/detect/runner.js';
import { loadWatchlists } from '../../src/detect/watchlists.js';
import { AlertStore } from '../../src/detect/alert-store.js';
import {
  dueSlots, MAX_CATCH_UP_MS, runScheduler, ScheduleState, slotAtOrBefore,
  type CatchUpReport, type SchedulerClock, type SlotOutcome,
} from '../../src/detect/scheduler.js';
import { formatDatetimeIso, parseDatetimeString } from '../../src/kql/values/datetime.js';
import { REPO_ROOT } from '../util/paths.js';
import { runCli } from '../cli/harness.js';
import { runCommand } from '../../src/cli/run.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'detect', 'fixtures');
const t = (iso: string): bigint => parseDatetimeString(iso)!;
const HOUR_TICKS = 36_000_000_000n;

function rules(): Rule[] {
  return fs.readdirSync(path.join(FIXTURES, 'rules')).sort().flatMap((f) => loadRuleFile(path.join(FIXTURES, 'rules', f)).rules);
}
const byName = (name: string): Rule => rules().find((r) => r.name.startsWith(name))!;

async function data(): Promise<HuntData> {
  const catalog = loadSchemaCatalog();
  const loaded = await loadDataSources([{ path: path.join(FIXTURES, 'data') }], catalog);
  return memoryData(new Map(loaded.tables.map((x) => [x.name, x.table])), catalog.tables);
}

/** A clock the test sets; sleeping moves it forward, so the loop runs without real waiting. */
class ManualClock implements SchedulerClock {
  constructor(public current: bigint) {}
  now(): bigint { return this.current; }
  async sleep(ms: number): Promise<void> { this.current += BigInt(ms) * 10_000n; }
}

interface Session {
  outcomes: SlotOutcome[];
  catchUps: CatchUpReport[];
  alertStore: AlertStore;
}

/** One scheduler process: opens the store's state, runs with `--once` at `now`, closes. */
async function runOnce(dir: string, now: string, d: HuntData, ruleSet = rules()): Promise<Session> {
  const alertStore = new AlertStore(dir);
  const state = new ScheduleState(dir);
  const outcomes: SlotOutcome[] = [];
  const catchUps: CatchUpReport[] = [];
  try {
    await runScheduler({
      rules: ruleSet, data: d, watchlists: loadWatchlists([path.join(FIXTURES, 'watchlists')]),
      alertStore, state, once: true, clock: new ManualClock(t(now)),
      onRun: (o) => outcomes.push(o), onCatchUp: (c) => catchUps.push(c),
    });
  } finally {
    state.close();
  }
  return { outcomes, catchUps, alertStore };
}

const runs = (s: Session): string[] => s.outcomes.map((o) => `${formatDatetimeIso(o.slot).slice(11, 16)} ${o.rule.name.slice(0, 12)} ${o.health[0]!.status}`);
const tempStore = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'kqlhunt-sched-'));

test('slots are the multiples of queryFrequency since the Unix epoch', () => {
  const ssh = byName('SSH brute force');
  fc.assert(fc.property(fc.bigInt({ min: t('1601-01-01T00:00:00Z'), max: t('2400-01-01T00:00:00Z') }), (now) => {
    const slot = slotAtOrBefore(ssh, now);
    assert.ok(slot <= now && now < slot + HOUR_TICKS);
    assert.equal((slot - t('1970-01-01T00:00:00Z')) % HOUR_TICKS, 0n);
  }));
  assert.equal(slotAtOrBefore(ssh, t('2024-05-01T09:59:59Z')), t('2024-05-01T09:00:00Z'));
  assert.equal(slotAtOrBefore(ssh, t('2024-05-01T10:00:00Z')), t('2024-05-01T10:00:00Z'));
});

test('a first start runs only the current slot; after a gap exactly the missed slots run, in time order', async () => {
  const dir = tempStore();
  const d = await data();
  const first = await runOnce(dir, '2024-05-01T09:30:00Z', d);
  // The hunting query has no schedule; the broken rule fails, is recorded, and the others still run.
  assert.deepEqual(runs(first), ['09:00 Broken rule failed', '09:00 Any sudo use ok', '09:00 SSH brute fo ok']);
  assert.deepEqual(first.catchUps, []);
  first.alertStore.close();

  const second = await runOnce(dir, '2024-05-01T12:10:00Z', d);
  assert.deepEqual(runs(second), [
    '10:00 Broken rule failed', '10:00 Any sudo use ok', '10:00 SSH brute fo ok',
    '11:00 Broken rule failed', '11:00 Any sudo use ok', '11:00 SSH brute fo ok',
    '12:00 Broken rule failed', '12:00 Any sudo use ok', '12:00 SSH brute fo ok',
  ]);
  assert.deepEqual(second.catchUps.map((c) => [c.rule.name.slice(0, 12), c.caughtUp, c.skipped]), [
    ['Broken rule', 2, 0], ['Any sudo use', 2, 0], ['SSH brute fo', 2, 0],
  ]);
  assert.deepEqual(second.alertStore.alerts().map((a) => `${a.runTime} ${a.ruleName.slice(0, 12)}`), [
    '2024-05-01T11:00:00Z SSH brute fo', '2024-05-01T12:00:00Z Any sudo use', '2024-05-01T12:00:00Z SSH brute fo',
  ]);
  const failed = second.alertStore.health({ ruleId: 'Broken rule' });
  assert.equal(failed.length, 4);
  assert.ok(failed.every((h) => h.status === 'failed' && /broken\.yaml:\d+:\d+: /.test(h.error ?? '')));
  second.alertStore.close();
});

test('restarting neither re-runs completed slots nor raises an alert twice, even when a slot was not recorded', async () => {
  const dir = tempStore();
  const d = await data();
  (await runOnce(dir, '2024-05-01T08:00:00Z', d)).alertStore.close();
  (await runOnce(dir, '2024-05-01T12:00:00Z', d)).alertStore.close();
  const restarted = await runOnce(dir, '2024-05-01T12:59:59Z', d);
  assert.deepEqual(runs(restarted), []);
  assert.equal(restarted.alertStore.alerts().length, 3);
  restarted.alertStore.close();

  // A crash after the alerts were saved but before the slot was recorded: the slot runs
  // again on restart, and its alerts are recognised as already raised.
  const state = new ScheduleState(dir);
  for (const r of rules()) state.recordRun(r, t('2024-05-01T11:00:00Z'));
  state.close();
  const afterCrash = await runOnce(dir, '2024-05-01T12:30:00Z', d);
  assert.deepEqual(runs(afterCrash), ['12:00 Broken rule failed', '12:00 Any sudo use ok', '12:00 SSH brute fo ok']);
  assert.deepEqual(afterCrash.outcomes.flatMap((o) => o.alerts), []);
  assert.equal(afterCrash.alertStore.alerts().length, 3);
  afterCrash.alertStore.close();
});

test('catch-up reaches back at most 14 days and says how many slots it skipped', () => {
  const ssh = byName('SSH brute force');
  const now = t('2024-05-31T12:30:00Z');
  const due = dueSlots(ssh, t('2024-05-01T12:00:00Z'), now);
  const horizon = now - BigInt(MAX_CATCH_UP_MS) * 10_000n;
  assert.equal(due.slots[0], t('2024-05-17T13:00:00Z'));
  assert.ok(due.slots[0]! >= horizon && due.slots[0]! - HOUR_TICKS < horizon);
  assert.equal(due.slots.at(-1), t('2024-05-31T12:00:00Z'));
  assert.equal(due.skipped + due.slots.length, 30 * 24);
  assert.equal(due.slots.length, 14 * 24);
  assert.deepEqual(dueSlots(ssh, t('2024-05-01T12:00:00Z'), t('2024-05-01T12:59:00Z')), { slots: [], skipped: 0 });
});

test('the loop runs each slot as it comes and stops cleanly when signalled between runs', async () => {
  const dir = tempStore();
  const d = await data();
  const controller = new AbortController();
  const clock = new ManualClock(t('2024-05-01T09:30:00Z'));
  const alertStore = new AlertStore(dir);
  const state = new ScheduleState(dir);
  const seen: string[] = [];
  const summary = await runScheduler({
    rules: [byName('SSH brute force')], data: d, watchlists: loadWatchlists([path.join(FIXTURES, 'watchlists')]),
    alertStore, state, clock, signal: controller.signal, pollMs: 25 * 60_000,
    onRun: (o) => {
      seen.push(`${formatDatetimeIso(o.slot).slice(11, 16)} at ${formatDatetimeIso(clock.now()).slice(11, 16)}`);
      if (o.slot === t('2024-05-01T12:00:00Z')) controller.abort();
    },
  });
  state.close();
  // Polling every 25 minutes, but waking at each slot: every run happens on the hour.
  assert.deepEqual(seen, ['09:00 at 09:30', '10:00 at 10:00', '11:00 at 11:00', '12:00 at 12:00']);
  assert.deepEqual(summary, { runs: 4, alerts: 2, failedRuns: 0, sinkErrors: 0 });
  assert.equal(alertStore.alerts().length, 2);
  alertStore.close();
});

test('kqlhunt run: help, usage errors, and --once over an empty store', async () => {
  const help = await runCli(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: kqlhunt run/);
  assert.equal((await runCli(['help', 'run'])).stdout, help.stdout);
  const noRules = await runCli(['run', '--once']);
  assert.equal(noRules.code, 2);
  assert.match(noRules.stderr, /--rules/);
  const dir = tempStore();
  const rule = path.join(FIXTURES, 'rules', 'long-lookback.yaml');
  // The empty store has no Syslog rows, but Syslog is a known table: the run succeeds with nothing.
  let stdout = '';
  let stderr = '';
  const io = { stdout: (x: string) => { stdout += x; }, stderr: (x: string) => { stderr += x; }, readStdin: async () => undefined };
  const at = (iso: string) => ({ clock: new ManualClock(t(iso)) });
  const code = await runCommand(['--once', '--store', dir, '--rules', rule], io, at('2024-05-01T10:20:00Z'));
  const once = { code, stdout, stderr };
  assert.equal(once.code, 0, once.stderr);
  assert.match(once.stdout, /Any sudo use .*: 0 result\(s\), 0 new alert\(s\)\n/);
  assert.match(once.stdout, /kqlhunt run: 1 run\(s\), 0 new alert\(s\)/);
  const health = new AlertStore(dir);
  assert.deepEqual(health.health().map((h) => h.status), ['ok']);
  health.close();
  // The slot is complete: a restart within the hour runs nothing.
  stdout = '';
  assert.equal(await runCommand(['--once', '--store', dir, '--rules', rule], io, at('2024-05-01T10:59:59Z')), 0);
  assert.match(stdout, /kqlhunt run: 0 run\(s\)/);
  stdout = '';
  await runCommand(['--once', '--store', dir, '--rules', rule], io, at('2024-05-01T11:00:00Z'));
  assert.match(stdout, /^2024-05-01T11:00:00Z \S+ Any sudo use/);
});
