// RE2 regular expressions (ADX's regex dialect) via re2js: compilation with KQL-style errors,
// per-call-site caching, and the `\N` rewrite syntax used by replace_regex().
import { RE2JS } from 're2js';
import { KqlError } from '../../types.js';

export type Regex = RE2JS;

/** Compiles an RE2 pattern; a syntax error becomes a KqlError naming the pattern. */
export function compileRegex(pattern: string, caseInsensitive = false): Regex {
  try {
    return RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new KqlError(`invalid regular expression ${JSON.stringify(pattern)}: ${detail}`, 'InvalidRegex');
  }
}

const CACHE_KEY = Symbol('re2');

/**
 * The compiled pattern, cached in a call site's cache. Patterns are usually constants, so one
 * compilation serves the whole query; a per-row pattern keeps the most recent few.
 */
export function cachedRegex(cache: Map<unknown, unknown>, pattern: string, caseInsensitive = false): Regex {
  let perSite = cache.get(CACHE_KEY) as Map<string, Regex> | undefined;
  if (perSite === undefined) {
    perSite = new Map();
    cache.set(CACHE_KEY, perSite);
  }
  const key = (caseInsensitive ? 'i:' : 's:') + pattern;
  let re = perSite.get(key);
  if (re === undefined) {
    re = compileRegex(pattern, caseInsensitive);
    if (perSite.size >= 64) perSite.delete(perSite.keys().next().value!);
    perSite.set(key, re);
  }
  return re;
}

export interface RegexMatch {
  start: number;
  end: number;
  /** groups[0] is the whole match; an unmatched optional group is null. */
  groups: (string | null)[];
}

/** Every non-overlapping match, left to right (empty matches included, as RE2 reports them). */
export function allMatches(re: Regex, text: string, limit = Infinity): RegexMatch[] {
  const m = re.matcher(text);
  const out: RegexMatch[] = [];
  const n = m.groupCount();
  while (out.length < limit && m.find()) {
    const groups: (string | null)[] = [];
    for (let g = 0; g <= n; g++) groups.push(m.group(g));
    out.push({ start: m.start(), end: m.end(), groups });
  }
  return out;
}

export function firstMatch(re: Regex, text: string): RegexMatch | null {
  return allMatches(re, text, 1)[0] ?? null;
}

/** Expands a replace_regex() rewrite: `\0` is the whole match, `\1`..`\9` capture groups. */
export function expandRewrite(rewrite: string, groups: readonly (string | null)[]): string {
  if (rewrite.indexOf('\\') < 0) return rewrite;
  let out = '';
  for (let i = 0; i < rewrite.length; i++) {
    const c = rewrite[i]!;
    const next = rewrite.charCodeAt(i + 1);
    if (c === '\\' && next >= 48 && next <= 57) {
      out += groups[next - 48] ?? '';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Replaces every match of `re` in `text` by the expanded rewrite. */
export function replaceAllMatches(re: Regex, text: string, rewrite: string): string {
  const matches = allMatches(re, text);
  if (matches.length === 0) return text;
  let out = '';
  let last = 0;
  for (const m of matches) {
    out += text.slice(last, m.start) + expandRewrite(rewrite, m.groups);
    last = m.end;
  }
  return out + text.slice(last);
}
