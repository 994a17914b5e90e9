// When people and machines are busy. Office work follows the clock: a morning ramp, a lunch
// dip, an evening tail, near-silence at night, and weekends at a small fraction of a weekday.
// Servers run around the clock but still follow their users' load. The simulated enterprise
// keeps office hours in UTC, so the shape is visible directly in TimeGenerated.

import { dayOfWeek, hourOfDay } from './time.js';

/** Share of peak office activity in each hour of a working day. */
const WORKDAY: readonly number[] = [
  0.03, 0.02, 0.02, 0.02, 0.03, 0.05, 0.12, 0.35, 0.8, 1.0, 1.0, 0.95,
  0.7, 0.9, 1.0, 0.95, 0.85, 0.6, 0.3, 0.15, 0.1, 0.07, 0.05, 0.04,
];

/** Weekends: a few people catch up on email, mostly late morning. */
const WEEKEND_SCALE = 0.08;

export function isWeekend(ms: number): boolean {
  const d = dayOfWeek(ms);
  return d === 0 || d === 6;
}

/** Office activity in [0, 1] for the hour containing ms. */
export function officeActivity(ms: number): number {
  const base = WORKDAY[hourOfDay(ms)]!;
  return isWeekend(ms) ? base * WEEKEND_SCALE + 0.005 : base;
}

/** Server load: a floor that never sleeps plus the share that follows its users. */
export function serverActivity(ms: number): number {
  return 0.35 + 0.65 * officeActivity(ms);
}

export function isBusinessHour(ms: number): boolean {
  const h = hourOfDay(ms);
  return !isWeekend(ms) && h >= 8 && h < 18;
}
