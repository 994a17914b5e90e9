// The checker's diagnostic codes and message helpers. Codes are stable: tools and tests key on
// them, so a code is never reused for a different meaning. docs/checker.md lists them.

import type { Diagnostic } from '../syntax/ast.js';

export const CODES = {
  unknownColumn: 'KQL100',
  unknownTable: 'KQL101',
  unknownFunction: 'KQL102',
  argumentCount: 'KQL110',
  argumentType: 'KQL111',
  aggregateOutsideSummarize: 'KQL112',
  notAnAggregate: 'KQL113',
  operatorTypes: 'KQL120',
  predicateNotBool: 'KQL121',
  dynamicGroupKey: 'KQL122',
  joinKeyTypes: 'KQL123',
  joinCondition: 'KQL124',
  notDynamic: 'KQL125',
  duplicateColumn: 'KQL130',
  fuzzyUnionMissingTable: 'KQL140',
  unknownPlugin: 'KQL150',
  expectedTabular: 'KQL160',
  expectedScalar: 'KQL161',
} as const;

export interface Range {
  start: number;
  end: number;
}

export function error(code: string, message: string, at: Range): Diagnostic {
  return { severity: 'error', code, message, start: at.start, end: at.end };
}

export function warning(code: string, message: string, at: Range): Diagnostic {
  return { severity: 'warning', code, message, start: at.start, end: at.end };
}

/** Levenshtein distance, case-insensitive letters counting as half a difference. */
function distance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  if (al === bl) return a === b ? 0 : 0.5;
  const prev = new Array<number>(bl.length + 1);
  for (let j = 0; j <= bl.length; j++) prev[j] = j;
  for (let i = 1; i <= al.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= bl.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (al[i - 1] === bl[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[bl.length]!;
}

/** The closest candidate to a misspelt name, if any is close enough to be a plausible typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    // The distance is at least the length difference: skip hopeless candidates cheaply.
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = distance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** ` (did you mean 'X'?)`, or nothing when no candidate is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = closestName(name, candidates);
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}
