// KQL's string comparison operators, as the executor evaluates them per distinct value.
// Case-insensitive forms fold ASCII letters only (see casefold.ts); term operators follow
// terms.ts. Every negated form is the exact complement of its positive form.
import { asciiEqualsIgnoreCase, asciiLower } from './casefold.js';
import { matchesAtTermBoundary } from './terms.js';
import { compileRegex, type Regex } from './regex.js';

export type StringPredicate = (left: string, right: string) => boolean;

const positive: Record<string, StringPredicate> = {
  '==': (l, r) => l === r,
  '=~': (l, r) => asciiEqualsIgnoreCase(l, r),
  'contains': (l, r) => asciiLower(l).includes(asciiLower(r)),
  'contains_cs': (l, r) => l.includes(r),
  'startswith': (l, r) => l.length >= r.length && asciiEqualsIgnoreCase(l.slice(0, r.length), r),
  'startswith_cs': (l, r) => l.startsWith(r),
  'endswith': (l, r) => l.length >= r.length && asciiEqualsIgnoreCase(l.slice(l.length - r.length), r),
  'endswith_cs': (l, r) => l.endsWith(r),
  'has': (l, r) => matchesAtTermBoundary(asciiLower(l), asciiLower(r), 'whole'),
  'has_cs': (l, r) => matchesAtTermBoundary(l, r, 'whole'),
  'hasprefix': (l, r) => matchesAtTermBoundary(asciiLower(l), asciiLower(r), 'prefix'),
  'hasprefix_cs': (l, r) => matchesAtTermBoundary(l, r, 'prefix'),
  'hassuffix': (l, r) => matchesAtTermBoundary(asciiLower(l), asciiLower(r), 'suffix'),
  'hassuffix_cs': (l, r) => matchesAtTermBoundary(l, r, 'suffix'),
  'matches regex': (l, r) => sharedRegex(r).test(l),
};

function buildTable(): Record<string, StringPredicate> {
  const table: Record<string, StringPredicate> = {};
  for (const [op, fn] of Object.entries(positive)) {
    table[op] = fn;
    if (op === '==') table['!='] = (l, r) => !fn(l, r);
    else if (op === '=~') table['!~'] = (l, r) => !fn(l, r);
    else if (op !== 'matches regex') table['!' + op] = (l, r) => !fn(l, r);
  }
  return table;
}

/**
 * Binary string operators keyed by their KQL spelling: ==, !=, =~, !~, contains, !contains,
 * contains_cs, !contains_cs, startswith(_cs), endswith(_cs), has(_cs), hasprefix(_cs),
 * hassuffix(_cs), each with its `!` form, and `matches regex` (RE2; the right side is the pattern).
 */
export const stringOperators: Readonly<Record<string, StringPredicate>> = buildTable();

// `matches regex` through the plain table has no call-site cache; keep a small shared one so
// a constant pattern compiles once. Call sites with a CallContext should use matchesRegex().
const sharedRegexes = new Map<string, Regex>();
function sharedRegex(pattern: string): Regex {
  let re = sharedRegexes.get(pattern);
  if (re === undefined) {
    re = compileRegex(pattern);
    if (sharedRegexes.size >= 256) sharedRegexes.delete(sharedRegexes.keys().next().value!);
    sharedRegexes.set(pattern, re);
  }
  return re;
}

/** `left matches regex pattern` (an RE2 search, not a full match). */
export function matchesRegex(left: string, pattern: Regex): boolean {
  return pattern.test(left);
}

export type StringListPredicate = (left: string) => boolean;

/**
 * Prepares a list operator against its (already evaluated) right-hand values:
 * in, !in, in~, !in~, has_any, !has_any, has_all, !has_all.
 * has_any/has_all are case-insensitive term matches, like has.
 */
export function prepareStringListOperator(op: string, values: readonly string[]): StringListPredicate {
  switch (op) {
    case 'in': {
      const set = new Set(values);
      return (l) => set.has(l);
    }
    case '!in': {
      const set = new Set(values);
      return (l) => !set.has(l);
    }
    case 'in~': {
      const set = new Set(values.map(asciiLower));
      return (l) => set.has(asciiLower(l));
    }
    case '!in~': {
      const set = new Set(values.map(asciiLower));
      return (l) => !set.has(asciiLower(l));
    }
    case 'has_any': {
      const needles = values.map(asciiLower);
      return (l) => hasAnyFolded(asciiLower(l), needles);
    }
    case '!has_any': {
      const needles = values.map(asciiLower);
      return (l) => !hasAnyFolded(asciiLower(l), needles);
    }
    case 'has_all': {
      const needles = values.map(asciiLower);
      return (l) => hasAllFolded(asciiLower(l), needles);
    }
    case '!has_all': {
      const needles = values.map(asciiLower);
      return (l) => !hasAllFolded(asciiLower(l), needles);
    }
    default:
      throw new Error(`unknown string list operator: ${op}`);
  }
}

/** Unprepared list forms, keyed like prepareStringListOperator(). */
export const stringListOperators: Readonly<Record<string, (left: string, values: readonly string[]) => boolean>> =
  Object.fromEntries(
    ['in', '!in', 'in~', '!in~', 'has_any', '!has_any', 'has_all', '!has_all'].map((op) => [
      op,
      (left: string, values: readonly string[]) => prepareStringListOperator(op, values)(left),
    ]),
  );

function hasAnyFolded(text: string, needles: readonly string[]): boolean {
  for (const n of needles) if (matchesAtTermBoundary(text, n, 'whole')) return true;
  return false;
}

function hasAllFolded(text: string, needles: readonly string[]): boolean {
  for (const n of needles) if (!matchesAtTermBoundary(text, n, 'whole')) return false;
  return true;
}

/** Index of the first value the text `has` (case-insensitive), or -1: has_any_index(). */
export function hasAnyIndex(text: string, values: readonly string[]): number {
  const folded = asciiLower(text);
  for (let i = 0; i < values.length; i++) {
    if (matchesAtTermBoundary(folded, asciiLower(values[i]!), 'whole')) return i;
  }
  return -1;
}
