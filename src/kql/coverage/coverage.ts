// What the engine implements, computed from the code itself: every function, aggregate and
// plugin ADX knows (semantics/known-functions.ts, generated from Microsoft's parser) checked
// against the registry, and every tabular operator checked by running a small query. The
// result renders docs/coverage.md, and a test fails when that file is stale.

import { builtinFunctions } from '../functions/index.js';
import { KNOWN_FUNCTIONS } from '../semantics/known-functions.js';
import { query } from '../index.js';
import { KqlError, NotSupportedError } from '../types.js';

export type CoverageStatus = 'implemented' | 'type-checks only' | 'not implemented';

export interface CoverageRow {
  name: string;
  status: CoverageStatus;
}

/** One representative query per operator; the operator counts as implemented if it runs. */
const OPERATOR_PROBES: readonly [string, string][] = [
  ['as', 'print x=1 | as T'],
  ['consume', 'print x=1 | consume'],
  ['count', 'print x=1 | count'],
  ['datatable', 'datatable(a:long)[1]'],
  ['distinct', 'print x=1 | distinct x'],
  ['evaluate', "print d=dynamic({'a':1}) | evaluate bag_unpack(d)"],
  ['extend', 'print x=1 | extend y=2'],
  ['externaldata', "externaldata(a:string)['nope.csv']"],
  ['facet', 'print x=1 | facet by x'],
  ['filter', 'print x=1 | filter x > 0'],
  ['find', 'let T = datatable(a:long)[1]; find in (T) where a > 0'],
  ['fork', 'print x=1 | fork (count) (take 1)'],
  ['getschema', 'print x=1 | getschema'],
  ['invoke', 'let f = (T:(x:long)) { T | count }; print x=1 | invoke f()'],
  ['join', 'print x=1 | join (print x=1) on x'],
  ['limit', 'print x=1 | limit 1'],
  ['lookup', 'print x=1 | lookup (print x=1, y=2) on x'],
  ['make-graph', 'print a=1, b=2 | make-graph a --> b with (print n=1) on n'],
  ['make-series', 'range t from datetime(2024-01-01) to datetime(2024-01-02) step 1h | make-series c=count() on t step 1h'],
  ['mv-apply', 'print a=dynamic([1,2]) | mv-apply a on (summarize s=sum(tolong(a)))'],
  ['mv-expand', 'print a=dynamic([1,2]) | mv-expand a'],
  ['order', 'print x=1 | order by x'],
  ['parse', "print s='a=1' | parse s with 'a=' v:long"],
  ['parse-kv', "print s='a=1' | parse-kv s as (a:long) with (kv_delimiter='=')"],
  ['parse-where', "print s='a=1' | parse-where s with 'a=' v:long"],
  ['partition', 'print x=1 | partition hint.strategy=native by x (take 1)'],
  ['print', 'print 1'],
  ['project', 'print x=1 | project x'],
  ['project-away', 'print x=1, y=2 | project-away y'],
  ['project-keep', 'print x=1, y=2 | project-keep x'],
  ['project-rename', 'print x=1 | project-rename y=x'],
  ['project-reorder', 'print x=1, y=2 | project-reorder y'],
  ['range', 'range x from 1 to 2 step 1'],
  ['reduce', "print s='a' | reduce by s"],
  ['render', 'print x=1 | render table'],
  ['sample', 'print x=1 | sample 1'],
  ['sample-distinct', 'print x=1 | sample-distinct 1 of x'],
  ['scan', 'range x from 1 to 3 step 1 | scan declare (c:long=0) with (step s: true => c = s.c + x;)'],
  ['search', "print s='abc' | search 'abc'"],
  ['serialize', 'print x=1 | serialize'],
  ['sort', 'print x=1 | sort by x'],
  ['summarize', 'print x=1 | summarize count() by x'],
  ['take', 'print x=1 | take 1'],
  ['top', 'print x=1 | top 1 by x'],
  ['top-hitters', 'print x=1 | top-hitters 1 of x'],
  ['top-nested', 'print x=1 | top-nested 1 of x by count()'],
  ['union', 'print x=1 | union (print x=2)'],
  ['where', 'print x=1 | where x > 0'],
];

function probe(text: string): CoverageStatus {
  try {
    query(text, { tables: new Map(), now: 638400000000000000n, readFile: () => 'a\n' });
    return 'implemented';
  } catch (e) {
    if (e instanceof NotSupportedError) return 'not implemented';
    // Other user errors (e.g. a refused URL) still mean the operator itself ran.
    if (e instanceof KqlError) return /not supported/.test(e.message) ? 'not implemented' : 'implemented';
    throw e;
  }
}

/** `__name` functions are ADX internals that queries do not call. */
function isInternal(name: string): boolean {
  return name.startsWith('__');
}

export function operatorCoverage(): CoverageRow[] {
  return OPERATOR_PROBES.map(([name, text]) => ({ name, status: probe(text) }));
}

export function functionCoverage(kind: 'scalar' | 'aggregate'): CoverageRow[] {
  const registry = builtinFunctions();
  return KNOWN_FUNCTIONS.filter((f) => f.kind === kind && !isInternal(f.name))
    .map((f) => {
      if (kind === 'scalar') {
        const def = registry.scalar(f.name);
        return { name: f.name, status: def === undefined ? 'not implemented' : def.impl ? 'implemented' : 'type-checks only' } as CoverageRow;
      }
      const def = registry.aggregate(f.name);
      return { name: f.name, status: def === undefined ? 'not implemented' : def.create ? 'implemented' : 'type-checks only' } as CoverageRow;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const PLUGINS_RUN = new Set(['bag_unpack', 'pivot', 'narrow', 'ipv4_lookup', 'ipv6_lookup']);

export function pluginCoverage(): CoverageRow[] {
  return KNOWN_FUNCTIONS.filter((f) => f.kind === 'plugin' && !isInternal(f.name))
    .map((f) => ({ name: f.name, status: (PLUGINS_RUN.has(f.name) ? 'implemented' : 'not implemented') as CoverageStatus }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function section(title: string, rows: CoverageRow[]): string {
  const done = rows.filter((r) => r.status === 'implemented').length;
  const lines = rows.map((r) => `| \`${r.name}\` | ${r.status === 'implemented' ? 'yes' : r.status} |`);
  return `## ${title}: ${done} of ${rows.length} implemented\n\n| name | implemented |\n|---|---|\n${lines.join('\n')}\n`;
}

/** The whole of docs/coverage.md. */
export function coverageMarkdown(): string {
  return [
    '# Coverage',
    '',
    'Generated from the code by `node tools/coverage.mjs` (a test fails when this file is stale).',
    'Functions, aggregates and plugins are every one Microsoft\'s parser knows; "type-checks only"',
    'means the checker knows the signature but running it fails with "not supported: NAME".',
    'Operators are probed by running a small query each.',
    '',
    section('Tabular operators', operatorCoverage()),
    section('Scalar functions', functionCoverage('scalar')),
    section('Aggregate functions', functionCoverage('aggregate')),
    section('Plugins (evaluate)', pluginCoverage()),
  ].join('\n');
}
