// Regular-expression functions, with RE2 semantics (ADX's dialect) via re2js. Patterns are
// compiled once per call site (CallContext.cache); an invalid pattern is a KqlError that
// names the pattern and RE2's message.
import type { ArgInfo, CallContext, ParamSpec, ScalarFunctionDef } from '../registry.js';
import { KqlError, dynamicNumber, type DynamicValue, type Scalar } from '../../types.js';
import { argText } from '../text/stringify.js';
import { allMatches, cachedRegex, firstMatch, replaceAllMatches } from '../text/regex.js';
import { parseTextAs } from '../text/parse-typed.js';
import { searchWindow, windowEnd } from '../text/search-window.js';

const ANY = 'any' as const;
const INTEGER = ['int', 'long'] as const;
const STRING = ['string'] as const;

const p = (name: string, types: ParamSpec['types'], extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, types, ...extra });

function num(v: Scalar): number | null {
  return dynamicNumber(v);
}

function indexOfRegexImpl(s: string, pattern: string, args: Scalar[], ctx: CallContext): number | null {
  const w = searchWindow(s.length, args, 2, 'null');
  if (w === null) return null;
  if (w.start > s.length || w.occurrence === 0) return -1;
  const re = cachedRegex(ctx.cache, pattern);
  let pos = w.start;
  let found = -1;
  for (let k = 0; k < w.occurrence; k++) {
    const end = windowEnd(s.length, pos, w.length);
    const m = firstMatch(re, s.slice(pos, end));
    if (m === null) return -1;
    found = pos + m.start;
    // Regex occurrences do not overlap (docs: indexof_regex("ababaa", "a.a", 0, -1, 2) is -1).
    pos = Math.max(pos + m.end, found + 1);
  }
  return found;
}

const REGEX_SPECIAL = /[\\.+*?()|[\]{}^$#&\-~]/g;

function regexQuote(s: string): string {
  return s.replace(REGEX_SPECIAL, '\\$&');
}

function extractAllImpl(pattern: string, groupsArg: Scalar | undefined, source: string, ctx: CallContext): DynamicValue {
  const re = cachedRegex(ctx.cache, pattern);
  const groupCount = re.groupCount();
  if (groupCount < 1 || groupCount > 16) {
    throw new KqlError(`extract_all(): the regular expression ${JSON.stringify(pattern)} must have between 1 and 16 capture groups, has ${groupCount}`, 'Argument');
  }
  let selected: number[];
  if (groupsArg === undefined) {
    selected = Array.from({ length: groupCount }, (_, i) => i + 1);
  } else {
    const named = re.namedGroups();
    if (!Array.isArray(groupsArg)) throw new KqlError('extract_all(): captureGroups must be a dynamic array', 'Type');
    selected = groupsArg.map((g) => {
      const index = typeof g === 'string' ? named[g] : g;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > groupCount) {
        throw new KqlError(`extract_all(): capture group ${JSON.stringify(g)} does not exist in ${JSON.stringify(pattern)}`, 'Argument');
      }
      return index;
    });
  }
  const matches = allMatches(re, source);
  if (matches.length === 0) return null;
  if (selected.length === 1) return matches.map((m) => m.groups[selected[0]!] ?? '');
  return matches.map((m) => selected.map((g) => m.groups[g] ?? ''));
}


export const regexFunctions: readonly ScalarFunctionDef[] = [
  {
    kind: 'scalar',
    name: 'indexof_regex',
    params: [
      p('source', ANY),
      p('lookup', STRING),
      p('start_index', INTEGER, { optional: true }),
      p('length', INTEGER, { optional: true }),
      p('occurrence', INTEGER, { optional: true }),
    ],
    returns: 'long',
    impl: (args, ctx) => indexOfRegexImpl(argText(args, 0, ctx), argText(args, 1, ctx), args, ctx),
  },
  {
    kind: 'scalar',
    name: 'replace_regex',
    params: [p('source', STRING), p('lookup_regex', STRING), p('rewrite_pattern', STRING)],
    returns: 'string',
    impl: (args, ctx) => replaceAllMatches(cachedRegex(ctx.cache, argText(args, 1, ctx)), argText(args, 0, ctx), argText(args, 2, ctx)),
  },
  {
    // The deprecated form of replace_regex(), with the source last.
    kind: 'scalar',
    name: 'replace',
    params: [p('regex', STRING), p('rewrite', STRING), p('source', STRING)],
    returns: 'string',
    impl: (args, ctx) => replaceAllMatches(cachedRegex(ctx.cache, argText(args, 0, ctx)), argText(args, 2, ctx), argText(args, 1, ctx)),
  },
  {
    kind: 'scalar',
    name: 'extract',
    params: [p('regex', STRING), p('captureGroup', INTEGER), p('source', ANY), p('typeLiteral', ANY, { optional: true })],
    returns: (args: ArgInfo[]) => (args.length > 3 ? args[3]!.typeLiteral ?? 'error:extract(): the fourth argument must be typeof(<type>)' : 'string'),
    impl: (args, ctx) => {
      const typed = args.length > 3;
      const group = num(args[1]!);
      const re = cachedRegex(ctx.cache, argText(args, 0, ctx));
      if (group === null || group < 0 || group > re.groupCount()) {
        throw new KqlError(`extract(): capture group ${group} does not exist in ${JSON.stringify(argText(args, 0, ctx))}`, 'Argument');
      }
      const m = firstMatch(re, argText(args, 2, ctx));
      const text = m?.groups[group] ?? null;
      if (!typed) return text ?? '';
      return text === null ? null : parseTextAs(text, String(args[3]));
    },
  },
  {
    kind: 'scalar',
    name: 'extract_all',
    aliases: ['extractall'],
    params: [p('regex', STRING), p('captureGroupsOrSource', ANY), p('source', ANY, { optional: true })],
    returns: 'dynamic',
    impl: (args, ctx) =>
      args.length > 2
        ? extractAllImpl(argText(args, 0, ctx), args[1]!, argText(args, 2, ctx), ctx)
        : extractAllImpl(argText(args, 0, ctx), undefined, argText(args, 1, ctx), ctx),
  },
  {
    kind: 'scalar',
    name: 'regex_quote',
    params: [p('value', ANY)],
    returns: 'string',
    impl: (args, ctx) => regexQuote(argText(args, 0, ctx)),
  },
];
