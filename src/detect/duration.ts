// Rule durations as Sentinel writes them: the repository's YAML uses KQL-like `5m`, `1h`,
// `14d`; ARM exports use ISO 8601 (`PT5M`, `PT1H`, `P14D`, `P1DT12H`). Both mean the same.

const MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const SHORT = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/i;
// ISO 8601 durations without years/months: their length depends on the calendar.
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Milliseconds of a duration in either spelling; undefined when it is neither. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  const short = SHORT.exec(t);
  if (short) return Math.round(Number(short[1]) * MS[short[2]!.toLowerCase() as keyof typeof MS]);
  const iso = ISO.exec(t);
  if (iso && t.toUpperCase() !== 'P' && !/T$/i.test(t)) {
    const [, w, d, h, m, s] = iso;
    const n = (x: string | undefined): number => (x === undefined ? 0 : Number(x));
    return Math.round(n(w) * 7 * MS.d + n(d) * MS.d + n(h) * MS.h + n(m) * MS.m + n(s) * MS.s);
  }
  return undefined;
}

/** The shortest exact `Nd`/`Nh`/`Nm`/`Ns` spelling. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % MS[unit] === 0) return `${ms / MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

export const MINUTE_MS = MS.m;
export const HOUR_MS = MS.h;
export const DAY_MS = MS.d;
