// Sentinel rules as files: analytics rules and hunting queries in the repository's YAML, and
// analytics rules / hunting queries exported from a workspace as ARM JSON. Both normalise
// into one typed Rule. Every field keeps its source position, so later checks can point at
// file:line:col; spellings seen in the wild (`gt`/`GreaterThan`, `relevantTechniques`/
// `techniques`, `1h`/`PT1H`) are accepted. Loading never throws on bad content: problems
// are returned with their positions, and the rule is kept whenever it still has a query.

import fs from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { parseDuration } from './duration.js';
import type { EntityMapping } from './entities.js';

export type RuleKind = 'Scheduled' | 'NRT' | 'Hunting';
export type Severity = 'Informational' | 'Low' | 'Medium' | 'High';
export const SEVERITIES: readonly Severity[] = ['Informational', 'Low', 'Medium', 'High'];
export type TriggerOperator = 'gt' | 'lt' | 'eq' | 'ne';
export type AggregationKind = 'SingleAlert' | 'AlertPerResult';
export type MatchingMethod = 'AllEntities' | 'AnyAlert' | 'Selected';

export interface AlertDetailsOverride {
  alertDisplayNameFormat?: string;
  alertDescriptionFormat?: string;
  alertTacticsColumnName?: string;
  alertSeverityColumnName?: string;
  alertDynamicProperties: { alertProperty: string; value: string }[];
}

export interface GroupingConfiguration {
  enabled: boolean;
  reopenClosedIncident: boolean;
  lookbackDurationMs: number;
  matchingMethod: MatchingMethod;
  groupByEntities: string[];
  groupByAlertDetails: string[];
  groupByCustomDetails: string[];
}

export interface IncidentConfiguration {
  createIncident: boolean;
  groupingConfiguration?: GroupingConfiguration;
}

export interface DataConnector {
  connectorId: string;
  dataTypes: string[];
}

/** A path to a field inside one rule's own object (`['entityMappings', 0, 'entityType']`). */
export type FieldPath = readonly (string | number)[];

export interface SourceSpan {
  start: number;
  end: number;
}

/** Where a rule came from, and how to point into that file. */
export interface RuleSource {
  file: string;
  text: string;
  format: 'yaml' | 'arm';
  /** 1-based line and column of a file offset. */
  lineCol(offset: number): { line: number; col: number };
  /** The span of a field's value (or its key when `key` is set); undefined when absent. */
  span(path: FieldPath, key?: boolean): SourceSpan | undefined;
  /** An offset in `query` -> an offset in the file. */
  queryToFile(offset: number): number;
}

export interface Rule {
  id: string;
  name: string;
  description: string;
  kind: RuleKind;
  severity?: Severity;
  queryFrequencyMs?: number;
  queryPeriodMs?: number;
  triggerOperator?: TriggerOperator;
  triggerThreshold?: number;
  tactics: string[];
  techniques: string[];
  entityMappings: EntityMapping[];
  /** Custom detail key -> the result column it takes its value from. */
  customDetails: Record<string, string>;
  alertDetailsOverride?: AlertDetailsOverride;
  aggregationKind: AggregationKind;
  suppressionEnabled: boolean;
  suppressionDurationMs?: number;
  incidentConfiguration?: IncidentConfiguration;
  query: string;
  requiredDataConnectors: DataConnector[];
  version?: string;
  enabled: boolean;
  /** Normalised field names present in the source (`name` for ARM's `displayName`, ...). */
  fields: Set<string>;
  source: RuleSource;
}

/** A problem found while reading a rule file, with the check it belongs to. */
export interface RuleProblem {
  check: string;
  severity: 'error' | 'warning';
  message: string;
  file: string;
  start: number;
  end: number;
}

export interface LoadedRules {
  file: string;
  text: string;
  rules: Rule[];
  problems: RuleProblem[];
  lineCol(offset: number): { line: number; col: number };
}

const TRIGGER_SPELLINGS: Readonly<Record<string, TriggerOperator>> = {
  gt: 'gt', greaterthan: 'gt', lt: 'lt', lessthan: 'lt', eq: 'eq', equal: 'eq', ne: 'ne', notequal: 'ne',
};

/** ARM property name -> the YAML name the model uses. */
const ARM_ALIASES: Readonly<Record<string, string>> = {
  displayName: 'name', techniques: 'relevantTechniques', templateVersion: 'version', alertRuleTemplateName: 'id',
};

export function loadRuleFile(file: string): LoadedRules {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const problem: RuleProblem = { check: 'rule-file', severity: 'error', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file, start: 0, end: 0 };
    return { file, text: '', rules: [], problems: [problem], lineCol: () => ({ line: 1, col: 1 }) };
  }
  return loadRuleText(file, text);
}

/** Parses one file's text: a YAML rule, or an ARM template (JSON) holding one or more rules. */
export function loadRuleText(file: string, text: string): LoadedRules {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const lineCol = (offset: number): { line: number; col: number } => {
    const p = lines.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line, col: p.col };
  };
  const problems: RuleProblem[] = [];
  const result: LoadedRules = { file, text, rules: [], problems, lineCol };
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      problems.push({ check: 'rule-file', severity: 'error', message: `not valid YAML/JSON: ${err.message.split('\n')[0]}`, file, start: err.pos[0], end: err.pos[1] });
    }
    return result;
  }
  const root = doc.contents;
  if (!isMap(root)) {
    problems.push({ check: 'rule-file', severity: 'error', message: 'expected a rule (a mapping of fields) or an ARM template', file, start: 0, end: 0 });
    return result;
  }
  const resources = root.get('resources', true);
  if (isSeq(resources)) {
    let found = 0;
    resources.items.forEach((res, i) => {
      if (!isMap(res)) return;
      const type = String(plain(res.get('type', true)) ?? '');
      const props = res.get('properties', true);
      if (!isMap(props)) return;
      const isHuntingSearch = /savedSearches$/i.test(type);
      if (!/alertRules$/i.test(type) && !isHuntingSearch) return;
      found++;
      const base: FieldPath = ['resources', i, 'properties'];
      const armKind = String(plain(res.get('kind', true)) ?? '');
      const rule = normalise(doc, text, file, lineCol, base, 'arm', problems, { armKind, isHuntingSearch, armName: String(plain(res.get('name', true)) ?? '') });
      if (rule) result.rules.push(rule);
    });
    if (found === 0) {
      problems.push({ check: 'rule-file', severity: 'error', message: 'the ARM template has no analytics rule (alertRules) or hunting query (savedSearches) resource', file, start: resources.range?.[0] ?? 0, end: resources.range?.[0] ?? 0 });
    }
    return result;
  }
  const rule = normalise(doc, text, file, lineCol, [], 'yaml', problems, {});
  if (rule) result.rules.push(rule);
  return result;
}

function plain(node: unknown): unknown {
  if (node === null || node === undefined) return undefined;
  if (isScalar(node)) return node.value;
  if (isMap(node) || isSeq(node)) return (node as YamlNode).toJSON();
  return node;
}

function nodeAtPath(doc: Document, path: FieldPath): { node: unknown; keyNode?: unknown } {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === step);
      if (!pair) return { node: undefined };
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
      keyNode = undefined;
    } else {
      return { node: undefined };
    }
  }
  return { node, keyNode };
}

function rangeOf(node: unknown): SourceSpan | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

interface NormaliseContext {
  armKind?: string;
  armName?: string;
  isHuntingSearch?: boolean;
}

function normalise(
  doc: Document, text: string, file: string, lineCol: (o: number) => { line: number; col: number },
  base: FieldPath, format: 'yaml' | 'arm', problems: RuleProblem[], ctx: NormaliseContext,
): Rule | undefined {
  const obj = nodeAtPath(doc, base).node;
  if (!isMap(obj)) return undefined;
  // Model field name -> the key as spelled in this file.
  const keyOf = new Map<string, string>();
  for (const pair of obj.items) {
    if (!isScalar(pair.key)) continue;
    const k = String(pair.key.value);
    const model = format === 'arm' ? (ARM_ALIASES[k] ?? k) : k === 'techniques' ? 'relevantTechniques' : k;
    if (!keyOf.has(model)) keyOf.set(model, k);
  }
  const pathOf = (path: FieldPath): FieldPath => {
    const [first, ...rest] = path;
    return [...base, keyOf.get(String(first)) ?? String(first), ...rest];
  };
  const span = (path: FieldPath, key = false): SourceSpan | undefined => {
    const { node, keyNode } = nodeAtPath(doc, pathOf(path));
    return rangeOf(key ? keyNode : node) ?? (key ? undefined : rangeOf(keyNode));
  };
  const get = (path: FieldPath): unknown => plain(nodeAtPath(doc, pathOf(path)).node);
  const fallback = rangeOf(obj) ?? { start: 0, end: 0 };
  const problem = (path: FieldPath, message: string, severity: 'error' | 'warning' = 'error'): void => {
    const s = span(path) ?? fallback;
    problems.push({ check: 'rule-field', severity, message, file, start: s.start, end: s.end });
  };

  const str = (field: string): string | undefined => {
    const v = get([field]);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    problem([field], `'${field}' must be text`);
    return undefined;
  };
  const strList = (field: string): string[] => {
    const v = get([field]);
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      problem([field], `'${field}' must be a list of names`);
      return [];
    }
    return v as string[];
  };
  const duration = (field: string): number | undefined => {
    const v = str(field);
    if (v === undefined) return undefined;
    const ms = parseDuration(v);
    if (ms === undefined) problem([field], `'${field}' is not a duration: '${v}' (write e.g. 5m, 1h, 1d, or ISO 8601 PT1H, P1D)`);
    return ms;
  };
  const bool = (field: string, fallbackValue: boolean): boolean => {
    const v = get([field]);
    if (v === undefined || v === null) return fallbackValue;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    problem([field], `'${field}' must be true or false`);
    return fallbackValue;
  };

  const fields = new Set(keyOf.keys());
  const query = str('query');
  if (query === undefined) {
    if (!fields.has('query')) problem([], "the rule has no 'query'");
    return undefined;
  }

  let kind: RuleKind;
  const kindText = format === 'arm' ? (ctx.isHuntingSearch ? 'Hunting' : ctx.armKind) : str('kind');
  if (kindText !== undefined && kindText !== '') {
    const k = ['Scheduled', 'NRT', 'Hunting'].find((x) => x.toLowerCase() === kindText.toLowerCase()) as RuleKind | undefined;
    if (k === undefined) {
      problem(['kind'], `unsupported rule kind '${kindText}' (kqlhunt runs Scheduled and NRT rules and hunting queries)`);
      return undefined;
    }
    kind = k;
    if (format === 'yaml') fields.add('kind');
  } else {
    // Hunting queries in the repository carry no kind, and none of the scheduling fields.
    kind = fields.has('queryFrequency') || fields.has('queryPeriod') || fields.has('triggerOperator') ? 'Scheduled' : 'Hunting';
  }

  let severity: Severity | undefined;
  const sev = str('severity');
  if (sev !== undefined) {
    severity = SEVERITIES.find((s) => s.toLowerCase() === sev.toLowerCase());
    if (severity === undefined) problem(['severity'], `severity '${sev}' is not one of ${SEVERITIES.join(', ')}`);
  }

  let triggerOperator: TriggerOperator | undefined;
  const op = str('triggerOperator');
  if (op !== undefined) {
    triggerOperator = TRIGGER_SPELLINGS[op.toLowerCase()];
    if (triggerOperator === undefined) problem(['triggerOperator'], `triggerOperator '${op}' is not one of gt, lt, eq, ne (or GreaterThan, LessThan, Equal, NotEqual)`);
  }
  let triggerThreshold: number | undefined;
  const thr = get(['triggerThreshold']);
  if (thr !== undefined && thr !== null) {
    const n = typeof thr === 'number' ? thr : typeof thr === 'string' && thr.trim() !== '' ? Number(thr) : NaN;
    if (!Number.isInteger(n) || n < 0) problem(['triggerThreshold'], `triggerThreshold must be a whole number of results, 0 or more (got '${String(thr)}')`);
    else triggerThreshold = n;
  }

  const entityMappings = readEntityMappings(get(['entityMappings']), (path, msg) => problem(['entityMappings', ...path], msg));
  const customDetails = readStringMap(get(['customDetails']), 'customDetails', (path, msg) => problem(['customDetails', ...path], msg));
  const alertDetailsOverride = readOverride(get(['alertDetailsOverride']), (path, msg) => problem(['alertDetailsOverride', ...path], msg));

  let aggregationKind: AggregationKind = 'SingleAlert';
  const grouping = get(['eventGroupingSettings']);
  if (grouping !== undefined && grouping !== null) {
    const ak = (grouping as Record<string, unknown>)['aggregationKind'];
    if (ak === 'AlertPerResult' || ak === 'SingleAlert') aggregationKind = ak;
    else problem(['eventGroupingSettings', 'aggregationKind'], `eventGroupingSettings.aggregationKind must be SingleAlert or AlertPerResult (got '${String(ak)}')`);
  }

  const incidentConfiguration = readIncidentConfiguration(get(['incidentConfiguration']), (path, msg) => problem(['incidentConfiguration', ...path], msg));

  const connectors: DataConnector[] = [];
  const rdc = get(['requiredDataConnectors']);
  if (Array.isArray(rdc)) {
    rdc.forEach((c, i) => {
      const rec = c as Record<string, unknown> | null;
      if (rec && typeof rec['connectorId'] === 'string') {
        const dt = rec['dataTypes'];
        connectors.push({ connectorId: rec['connectorId'], dataTypes: Array.isArray(dt) ? dt.map(String) : [] });
      } else {
        problem(['requiredDataConnectors', i], 'a required data connector needs a connectorId');
      }
    });
  } else if (rdc !== undefined && rdc !== null) {
    problem(['requiredDataConnectors'], "'requiredDataConnectors' must be a list");
  }

  let tactics = strList('tactics');
  let techniques = strList('relevantTechniques');
  if (ctx.isHuntingSearch) {
    // Hunting queries exported as saved searches carry tactics and techniques as tags.
    const tags = get(['tags']);
    if (Array.isArray(tags)) {
      for (const t of tags as { name?: unknown; value?: unknown }[]) {
        const values = typeof t?.value === 'string' ? t.value.split(',').map((s) => s.trim()).filter(Boolean) : [];
        if (t?.name === 'tactics') tactics = values;
        if (t?.name === 'relevantTechniques' || t?.name === 'techniques') techniques = values;
        if (t?.name === 'description' && !fields.has('description') && typeof t.value === 'string') fields.add('description');
      }
    }
  }

  let id = str('id');
  if (id === undefined && ctx.armName) {
    // ARM names end in the rule's GUID: "[concat(parameters('workspace'),'/Microsoft.SecurityInsights/<guid>')]".
    const m = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(ctx.armName);
    if (m) {
      id = m[1]!.toLowerCase();
      fields.add('id');
    }
  }

  const querySpan = span(['query']) ?? fallback;
  const queryNode = nodeAtPath(doc, pathOf(['query'])).node;
  const map = queryOffsetMap(text, queryNode, query, querySpan.start);

  const source: RuleSource = {
    file, text, format, lineCol, span,
    queryToFile: (o) => map[Math.max(0, Math.min(o, map.length - 1))]!,
  };
  return {
    id: id ?? '',
    name: str('name') ?? '',
    description: str('description') ?? '',
    kind,
    ...(severity ? { severity } : {}),
    ...optional('queryFrequencyMs', duration('queryFrequency')),
    ...optional('queryPeriodMs', duration('queryPeriod')),
    ...optional('triggerOperator', triggerOperator),
    ...optional('triggerThreshold', triggerThreshold),
    tactics,
    techniques,
    entityMappings,
    customDetails,
    ...optional('alertDetailsOverride', alertDetailsOverride),
    aggregationKind,
    suppressionEnabled: bool('suppressionEnabled', false),
    ...optional('suppressionDurationMs', duration('suppressionDuration')),
    ...optional('incidentConfiguration', incidentConfiguration),
    query,
    requiredDataConnectors: connectors,
    ...optional('version', str('version')),
    enabled: bool('enabled', true),
    fields,
    source,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

type Report = (path: FieldPath, message: string) => void;

function readEntityMappings(raw: unknown, report: Report): EntityMapping[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    report([], "'entityMappings' must be a list");
    return [];
  }
  const out: EntityMapping[] = [];
  raw.forEach((m, i) => {
    const rec = m as Record<string, unknown> | null;
    const entityType = rec?.['entityType'];
    const fm = rec?.['fieldMappings'];
    if (typeof entityType !== 'string') {
      report([i], `entity mapping ${i + 1} needs an entityType`);
      return;
    }
    if (!Array.isArray(fm)) {
      report([i], `entity mapping ${i + 1} (${entityType}) needs a list of fieldMappings`);
      return;
    }
    const fieldMappings: EntityMapping['fieldMappings'] = [];
    fm.forEach((f, j) => {
      const fr = f as Record<string, unknown> | null;
      if (typeof fr?.['identifier'] !== 'string' || typeof fr?.['columnName'] !== 'string') {
        report([i, 'fieldMappings', j], `field mapping ${j + 1} of entity mapping ${i + 1} needs an identifier and a columnName`);
        return;
      }
      fieldMappings.push({ identifier: fr['identifier'], columnName: fr['columnName'] });
    });
    out.push({ entityType, fieldMappings });
  });
  return out;
}

function readStringMap(raw: unknown, what: string, report: Report): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    report([], `'${what}' must map names to column names`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') report([k], `${what}.${k} must be a column name`);
    else out[k] = v;
  }
  return out;
}

function readOverride(raw: unknown, report: Report): AlertDetailsOverride | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    report([], "'alertDetailsOverride' must be a mapping");
    return undefined;
  }
  const rec = raw as Record<string, unknown>;
  const out: AlertDetailsOverride = { alertDynamicProperties: [] };
  for (const key of ['alertDisplayNameFormat', 'alertDescriptionFormat', 'alertTacticsColumnName', 'alertSeverityColumnName'] as const) {
    const v = rec[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') report([key], `alertDetailsOverride.${key} must be text`);
    else out[key] = v;
  }
  const dyn = rec['alertDynamicProperties'];
  if (Array.isArray(dyn)) {
    dyn.forEach((d, i) => {
      const dr = d as Record<string, unknown> | null;
      if (typeof dr?.['alertProperty'] === 'string' && typeof dr?.['value'] === 'string') out.alertDynamicProperties.push({ alertProperty: dr['alertProperty'], value: dr['value'] });
      else report(['alertDynamicProperties', i], 'an alert dynamic property needs an alertProperty and a value (column name)');
    });
  }
  return out;
}

function readIncidentConfiguration(raw: unknown, report: Report): IncidentConfiguration | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    report([], "'incidentConfiguration' must be a mapping");
    return undefined;
  }
  const rec = raw as Record<string, unknown>;
  const out: IncidentConfiguration = { createIncident: rec['createIncident'] !== false };
  const g = rec['groupingConfiguration'] as Record<string, unknown> | undefined | null;
  if (g && typeof g === 'object') {
    const lookbackText = typeof g['lookbackDuration'] === 'string' ? g['lookbackDuration'] : '5h';
    const lookback = parseDuration(lookbackText);
    if (lookback === undefined) report(['groupingConfiguration', 'lookbackDuration'], `lookbackDuration is not a duration: '${lookbackText}'`);
    const method = g['matchingMethod'] ?? 'AllEntities';
    if (method !== 'AllEntities' && method !== 'AnyAlert' && method !== 'Selected') {
      report(['groupingConfiguration', 'matchingMethod'], `matchingMethod must be AllEntities, AnyAlert or Selected (got '${String(method)}')`);
    }
    const list = (k: string): string[] => (Array.isArray(g[k]) ? (g[k] as unknown[]).map(String) : []);
    out.groupingConfiguration = {
      enabled: g['enabled'] === true,
      reopenClosedIncident: g['reopenClosedIncident'] === true,
      lookbackDurationMs: lookback ?? 5 * 3_600_000,
      matchingMethod: method === 'AnyAlert' || method === 'Selected' ? method : 'AllEntities',
      groupByEntities: list('groupByEntities'),
      groupByAlertDetails: list('groupByAlertDetails'),
      groupByCustomDetails: list('groupByCustomDetails'),
    };
  }
  return out;
}

/**
 * File offset of every query character (and one past the end). Characters are aligned with
 * the source in order: block scalars skip their header and indentation, quoted scalars
 * decode escapes (`\n` in ARM JSON) so each character lands on its own escape sequence.
 */
function queryOffsetMap(text: string, node: unknown, value: string, fallbackStart: number): Int32Array {
  const map = new Int32Array(value.length + 1);
  const scalar = node as { type?: string; range?: [number, number, number] } | undefined;
  const range = scalar?.range;
  if (!range) {
    map.fill(fallbackStart);
    return map;
  }
  const [start, end] = range;
  let p = start;
  const type = scalar.type;
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const nl = text.indexOf('\n', start);
    p = nl < 0 ? end : nl + 1;
  } else if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') {
    p = start + 1;
  }
  const doubleQuoted = type === 'QUOTE_DOUBLE';
  // Folded and flow scalars turn a line break into a space; literal blocks keep it.
  const folds = type !== 'BLOCK_LITERAL';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    for (;;) {
      if (p >= end) {
        map[i] = end;
        break;
      }
      const s = text[p]!;
      if (doubleQuoted && s === '\\') {
        map[i] = p;
        const e = text[p + 1];
        p += e === 'u' ? 6 : e === 'x' ? 4 : e === 'U' ? 10 : 2;
        break;
      }
      if (s === c || (folds && c === ' ' && s === '\n')) {
        map[i] = p;
        p++;
        break;
      }
      p++;
    }
  }
  map[value.length] = Math.min(p, end);
  return map;
}
