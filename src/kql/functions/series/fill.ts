// Filling missing values: series_fill_forward/backward/const/linear. A "missing" element is one
// equal to the missing_value_placeholder (default null; a numeric placeholder matches by value).
// Elements keep their original values otherwise, including non-numeric ones.
import { dynamicNumber, isWholeReal, realToDynamic, type DynamicValue } from '../../types.js';

export type MissingTest = (v: DynamicValue) => boolean;

export function missingTest(placeholder: number | null): MissingTest {
  return placeholder === null ? (v) => v === null : (v) => dynamicNumber(v) === placeholder;
}

/** Each missing element takes the last non-missing value before it; leading ones stay. */
export function fillForward(series: readonly DynamicValue[], isMissing: MissingTest): DynamicValue[] {
  const out = series.slice();
  let last: DynamicValue | undefined;
  for (let i = 0; i < out.length; i++) {
    if (isMissing(out[i]!)) { if (last !== undefined) out[i] = last; } else last = out[i]!;
  }
  return out;
}

/** Each missing element takes the next non-missing value after it; trailing ones stay. */
export function fillBackward(series: readonly DynamicValue[], isMissing: MissingTest): DynamicValue[] {
  const out = series.slice();
  let next: DynamicValue | undefined;
  for (let i = out.length - 1; i >= 0; i--) {
    if (isMissing(out[i]!)) { if (next !== undefined) out[i] = next; } else next = out[i]!;
  }
  return out;
}

export function fillConst(series: readonly DynamicValue[], constant: DynamicValue, isMissing: MissingTest): DynamicValue[] {
  return series.map((v) => (isMissing(v) ? constant : v));
}

/**
 * Linear interpolation between the nearest non-missing numeric neighbours. With `fillEdges`, a
 * leading/trailing run takes the nearest value; otherwise it stays missing. A series with no
 * non-missing numeric value becomes `constant` throughout (null keeps it as is).
 * When every present value is a long (an int/long series) the interpolated values are longs,
 * truncated toward zero, as the docs example shows for its long array (73.5 → 73); with any real
 * among them they are reals (its array of doubles gives 73.5, and 16.0 stays 16.0).
 */
export function fillLinear(
  series: readonly DynamicValue[],
  isMissing: MissingTest,
  fillEdges: boolean,
  constant: DynamicValue,
): DynamicValue[] {
  const anchors: number[] = [];
  const values: number[] = [];
  let allLongs = true;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    const n = dynamicNumber(v);
    if (!isMissing(v) && n !== null && Number.isFinite(n)) {
      anchors.push(i);
      values.push(n);
      if (isWholeReal(v) || !Number.isSafeInteger(n)) allLongs = false;
    }
  }
  if (anchors.length === 0) {
    return constant === null ? series.slice() : series.map((v) => (isMissing(v) ? constant : v));
  }
  const out = series.slice();
  const shape = (v: number): DynamicValue => (allLongs ? Math.trunc(v) : realToDynamic(v));
  const first = anchors[0]!;
  const last = anchors[anchors.length - 1]!;
  for (let i = 0; i < series.length; i++) {
    if (!isMissing(series[i]!)) continue;
    if (i < first) { if (fillEdges) out[i] = series[first]!; continue; }
    if (i > last) { if (fillEdges) out[i] = series[last]!; continue; }
  }
  for (let k = 0; k + 1 < anchors.length; k++) {
    const lo = anchors[k]!;
    const hi = anchors[k + 1]!;
    const a = values[k]!;
    const b = values[k + 1]!;
    for (let i = lo + 1; i < hi; i++) {
      if (isMissing(series[i]!)) out[i] = shape(a + ((b - a) * (i - lo)) / (hi - lo));
    }
  }
  return out;
}
