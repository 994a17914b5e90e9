// Rule validation for CI: the query (parser and checker against the schema catalogue) and
// Sentinel's own limits on analytics rules, each check with its own id so CI annotations
// say which rule of ours fired. Findings carry file offsets; report.ts prints them.

import { check, parse } from '../kql/index.js';
import type { Diagnostic } from '../kql/syntax/ast.js';
import type { StoredFunctionSchema } from '../kql/semantics/checker.js';
import type { TableSchema } from '../kql/types.js';
import type { SchemaCatalog } from '../io/schemas.js';
import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS } from './duration.js';
import { ENTITY_IDENTIFIERS, lookupEntityType, lookupIdentifier } from './entities.js';
import type { FieldPath, LoadedRules, Rule, RuleProblem } from './rule.js';
import { firstSeenSchema, firstSeenSpecs, FIRST_SEEN_TABLE_PREFIX } from './first-seen.js';

export interface Finding {
  check: string;
  severity: 'error' | 'warning';
  message: string;
  file: string;
  start: number;
  end: number;
  /** The rule's id, when the file yielded a rule. */
  ruleId?: string;
}

/** Every check, with the one-line description SARIF and `--help` show. */
export const CHECKS: Readonly<Record<string, string>> = {
  'rule-file': 'The file is a readable rule: valid YAML, or an ARM template with rule resources.',
  'rule-field': 'Rule fields have values of the right form (severity, durations, trigger operator, mappings).',
  'required-field': 'Fields Sentinel requires for the rule kind are present, and the id is a GUID.',
  'query-syntax': 'The query parses.',
  'query-semantic': 'The query checks against the table and function schemas: names, columns and types.',
  'query-unsupported': 'The query is valid KQL but uses something kqlhunt refuses to run (it would not hunt here).',
  'query-frequency': 'queryFrequency is between 5 minutes and 14 days.',
  'query-period': 'queryPeriod is between 5 minutes and 14 days.',
  'period-frequency': 'queryPeriod is at least queryFrequency.',
  'long-period-frequency': 'A rule that looks back 2 days or more runs at most once an hour.',
  'entity-mapping-count': 'A rule has 1 to 5 entity mappings, each with 1 to 3 identifiers.',
  'entity-type': "Entity types are Sentinel's entity types.",
  'entity-identifier': 'Identifiers are valid for their entity type and used once per mapping.',
  'custom-details': 'A rule has at most 20 custom details.',
  'alert-details-override': 'Alert name and description formats use at most 3 placeholders and fit their length limits.',
  'mapped-column': 'Columns used by entity mappings, custom details and alert overrides exist in the query result.',
  'tactic': "Tactics are Sentinel's MITRE ATT&CK tactic names.",
  'technique': 'Techniques are MITRE ATT&CK technique ids (T1234 or T1234.001).',
};

export const MIN_SCHEDULE_MS = 5 * MINUTE_MS;
export const MAX_SCHEDULE_MS = 14 * DAY_MS;
export const MAX_ENTITY_MAPPINGS = 5;
export const MAX_IDENTIFIERS_PER_MAPPING = 3;
export const MAX_CUSTOM_DETAILS = 20;
export const MAX_OVERRIDE_PLACEHOLDERS = 3;
const MAX_DISPLAY_NAME_LENGTH = 256;
const MAX_DESCRIPTION_LENGTH = 5000;

const TACTICS = [
  'Reconnaissance', 'ResourceDevelopment', 'InitialAccess', 'Execution', 'Persistence', 'PrivilegeEscalation',
  'DefenseEvasion', 'CredentialAccess', 'Discovery', 'LateralMovement', 'Collection', 'Exfiltration',
  'CommandAndControl', 'Impact', 'PreAttack', 'ImpairProcessControl', 'InhibitResponseFunction',
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Fields each kind must have (beyond `query`, without which there is no rule at all). */
const REQUIRED: Readonly<Record<Rule['kind'], readonly string[]>> = {
  Scheduled: ['id', 'name', 'description', 'severity', 'queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold'],
  NRT: ['id', 'name', 'description', 'severity'],
  Hunting: ['id', 'name', 'description'],
};

/** `{{Column}}` placeholders of an alert details format. */
export function placeholders(format: string): string[] {
  return [...format.matchAll(/\{\{\s*([^{}]+?)\s*\}\}/g)].map((m) => m[1]!);
}

/** What the checker needs to know: tables and stored functions, from the schema catalogue. */
export interface ValidationEnvironment {
  tables: ReadonlyMap<string, TableSchema>;
  functions: ReadonlyMap<string, StoredFunctionSchema>;
}

export function validationEnvironment(catalog: SchemaCatalog): ValidationEnvironment {
  const functions = new Map<string, StoredFunctionSchema>();
  for (const [name, fn] of catalog.functions) {
    // The checker knows _GetWatchlist itself (an open schema); the CI's declaration is narrower.
    if (name === '_GetWatchlist') continue;
    functions.set(name, { name, params: fn.params.map((p) => ({ name: p.name, type: p.type, optional: !p.required })), resultColumns: fn.columns });
  }
  return { tables: catalog.tables, functions };
}

export function problemFindings(loaded: LoadedRules): Finding[] {
  return loaded.problems.map((p: RuleProblem) => ({ check: p.check, severity: p.severity, message: p.message, file: p.file, start: p.start, end: p.end }));
}

export function validateRule(rule: Rule, env: ValidationEnvironment): Finding[] {
  const findings: Finding[] = [];
  const src = rule.source;
  const fallback = src.span([]) ?? { start: 0, end: 0 };
  const at = (path: FieldPath, key = false): { start: number; end: number } => src.span(path, key) ?? src.span(path) ?? fallback;
  const add = (check: string, path: FieldPath, message: string, severity: 'error' | 'warning' = 'error'): void => {
    const s = at(path);
    findings.push({ check, severity, message, file: src.file, start: s.start, end: s.end, ...(rule.id ? { ruleId: rule.id } : {}) });
  };

  for (const field of REQUIRED[rule.kind]) {
    if (!rule.fields.has(field)) add('required-field', [], `a ${rule.kind === 'Hunting' ? 'hunting query' : `${rule.kind} rule`} needs '${field}'`);
  }
  if (rule.fields.has('id') && !GUID.test(rule.id)) add('required-field', ['id'], `the rule id must be a GUID (got '${rule.id}')`);

  // The query: syntax first; after a syntax error the checker would mostly echo it.
  const resultColumns = checkQuery(rule, env, findings);

  if (rule.kind === 'Scheduled') scheduleChecks(rule, add);
  entityChecks(rule, add);

  const customCount = Object.keys(rule.customDetails).length;
  if (customCount > MAX_CUSTOM_DETAILS) add('custom-details', ['customDetails'], `${customCount} custom details; Sentinel allows at most ${MAX_CUSTOM_DETAILS}`);

  const o = rule.alertDetailsOverride;
  if (o) {
    const formats = [
      ['alertDisplayNameFormat', o.alertDisplayNameFormat, MAX_DISPLAY_NAME_LENGTH],
      ['alertDescriptionFormat', o.alertDescriptionFormat, MAX_DESCRIPTION_LENGTH],
    ] as const;
    for (const [key, format, maxLength] of formats) {
      if (format === undefined) continue;
      const n = placeholders(format).length;
      if (n > MAX_OVERRIDE_PLACEHOLDERS) add('alert-details-override', ['alertDetailsOverride', key], `${key} uses ${n} placeholders; Sentinel allows at most ${MAX_OVERRIDE_PLACEHOLDERS}`);
      if (format.length > maxLength) add('alert-details-override', ['alertDetailsOverride', key], `${key} is ${format.length} characters long; Sentinel allows at most ${maxLength}`);
    }
  }

  for (const [i, t] of rule.tactics.entries()) {
    if (TACTICS.includes(t)) continue;
    const squeezed = t.replace(/\s+/g, '').toLowerCase();
    const folded = TACTICS.find((x) => x.toLowerCase() === squeezed);
    // Hunting queries' tactics are tags in Sentinel: only a warning there.
    if (folded) add('tactic', ['tactics', i], `tactic '${t}' should be spelled '${folded}'`, 'warning');
    else add('tactic', ['tactics', i], `unknown tactic '${t}' (expected one of ${TACTICS.join(', ')})`, rule.kind === 'Hunting' ? 'warning' : 'error');
  }
  for (const [i, t] of rule.techniques.entries()) {
    if (!/^T\d{4}(\.\d{3})?$/.test(t.trim())) add('technique', ['relevantTechniques', i], `'${t}' is not a MITRE ATT&CK technique id such as T1078 or T1078.004`, 'warning');
  }

  if (resultColumns) mappedColumnChecks(rule, resultColumns, add);
  return findings;
}

type Add = (check: string, path: FieldPath, message: string, severity?: 'error' | 'warning') => void;

/** Checks the query; returns the result's column names when the result schema is known and closed. */
function checkQuery(rule: Rule, env: ValidationEnvironment, findings: Finding[]): Set<string> | undefined {
  const src = rule.source;
  const toFinding = (check: string, d: Diagnostic): Finding => {
    const start = src.queryToFile(d.start);
    const end = Math.max(start, src.queryToFile(d.end));
    return { check, severity: d.severity === 'error' ? 'error' : 'warning', message: d.message, file: src.file, start, end, ...(rule.id ? { ruleId: rule.id } : {}) };
  };
  // Refusals are not invalid KQL: they get their own check, so a Sentinel rule that is fine
  // for Sentinel but will not run here is told apart from a broken one.
  const kind = (d: Diagnostic, fallback: string): string => (d.code === 'NotSupported' ? 'query-unsupported' : fallback);
  const parsed = parse(rule.query);
  for (const d of parsed.diagnostics) findings.push(toFinding(kind(d, 'query-syntax'), d));
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const checked = check(rule.query, { tables: withFirstSeenTable(rule, env.tables), functions: env.functions });
  const semantic = checked.diagnostics.slice(parsed.diagnostics.length);
  for (const d of semantic) findings.push(toFinding(kind(d, 'query-semantic'), d));
  if (semantic.some((d) => d.severity === 'error')) return undefined;
  const rs = checked.resultSchema;
  if (!rs || rs.open) return undefined;
  return new Set(rs.columns.map((c) => c.name));
}

/** The catalogue plus the rule's own first-seen tables (kqlhunt.firstSeen), typed from their sources. */
function withFirstSeenTable(rule: Rule, tables: ReadonlyMap<string, TableSchema>): ReadonlyMap<string, TableSchema> {
  let specs;
  try {
    specs = firstSeenSpecs(rule);
  } catch {
    return tables;
  }
  const withTables = new Map(tables);
  for (const spec of specs) {
    const schema = firstSeenSchema(spec, tables);
    if (schema !== undefined) withTables.set(FIRST_SEEN_TABLE_PREFIX + spec.name, schema);
  }
  return withTables;
}

function scheduleChecks(rule: Rule, add: Add): void {
  const f = rule.queryFrequencyMs;
  const p = rule.queryPeriodMs;
  const range = `between ${formatDuration(MIN_SCHEDULE_MS)} and ${formatDuration(MAX_SCHEDULE_MS)}`;
  if (f !== undefined && (f < MIN_SCHEDULE_MS || f > MAX_SCHEDULE_MS)) add('query-frequency', ['queryFrequency'], `queryFrequency ${formatDuration(f)} is not ${range}`);
  if (p !== undefined && (p < MIN_SCHEDULE_MS || p > MAX_SCHEDULE_MS)) add('query-period', ['queryPeriod'], `queryPeriod ${formatDuration(p)} is not ${range}`);
  if (f !== undefined && p !== undefined) {
    if (p < f) add('period-frequency', ['queryPeriod'], `queryPeriod ${formatDuration(p)} is shorter than queryFrequency ${formatDuration(f)}: some data would never be queried`);
    if (p >= 2 * DAY_MS && f < HOUR_MS) add('long-period-frequency', ['queryFrequency'], `a rule that looks back ${formatDuration(p)} (2 days or more) must run at most hourly; queryFrequency is ${formatDuration(f)}`);
  }
}

function entityChecks(rule: Rule, add: Add): void {
  const maps = rule.entityMappings;
  if (rule.fields.has('entityMappings') && (maps.length === 0 || maps.length > MAX_ENTITY_MAPPINGS)) {
    add('entity-mapping-count', ['entityMappings'], `${maps.length} entity mappings; Sentinel allows 1 to ${MAX_ENTITY_MAPPINGS}`);
  }
  maps.forEach((m, i) => {
    const type = lookupEntityType(m.entityType);
    let canonical: string | undefined;
    if (type === undefined) {
      add('entity-type', ['entityMappings', i, 'entityType'], `unknown entity type '${m.entityType}' (expected one of ${Object.keys(ENTITY_IDENTIFIERS).join(', ')})`);
    } else if ('caseOf' in type) {
      add('entity-type', ['entityMappings', i, 'entityType'], `entity type '${m.entityType}' should be spelled '${type.caseOf}'`, 'warning');
      canonical = type.caseOf;
    } else {
      canonical = type.exact;
    }
    const n = m.fieldMappings.length;
    if (n === 0 || n > MAX_IDENTIFIERS_PER_MAPPING) {
      add('entity-mapping-count', ['entityMappings', i, 'fieldMappings'], `entity mapping ${i + 1} (${m.entityType}) has ${n} identifiers; Sentinel allows 1 to ${MAX_IDENTIFIERS_PER_MAPPING}`);
    }
    const seen = new Set<string>();
    m.fieldMappings.forEach((fm, j) => {
      const path: FieldPath = ['entityMappings', i, 'fieldMappings', j, 'identifier'];
      if (seen.has(fm.identifier.toLowerCase())) add('entity-identifier', path, `identifier '${fm.identifier}' is mapped twice in entity mapping ${i + 1} (${m.entityType})`);
      seen.add(fm.identifier.toLowerCase());
      if (canonical === undefined) return;
      const id = lookupIdentifier(canonical, fm.identifier);
      if (id === undefined) {
        add('entity-identifier', path, `'${fm.identifier}' is not an identifier of ${canonical} entities (expected one of ${ENTITY_IDENTIFIERS[canonical]!.join(', ')})`);
      } else if ('caseOf' in id) {
        add('entity-identifier', path, `identifier '${fm.identifier}' should be spelled '${id.caseOf}'`, 'warning');
      }
    });
  });
}

function mappedColumnChecks(rule: Rule, columns: Set<string>, add: Add): void {
  const missing = (col: string, path: FieldPath, what: string): void => {
    if (!columns.has(col)) add('mapped-column', path, `${what} uses column '${col}', which the query's result does not have (it has ${[...columns].join(', ') || 'no columns'})`);
  };
  rule.entityMappings.forEach((m, i) => m.fieldMappings.forEach((fm, j) => {
    missing(fm.columnName, ['entityMappings', i, 'fieldMappings', j, 'columnName'], `the ${m.entityType} ${fm.identifier} mapping`);
  }));
  for (const [key, col] of Object.entries(rule.customDetails)) missing(col, ['customDetails', key], `custom detail '${key}'`);
  const o = rule.alertDetailsOverride;
  if (!o) return;
  for (const key of ['alertDisplayNameFormat', 'alertDescriptionFormat'] as const) {
    const format = o[key];
    if (format !== undefined) for (const col of placeholders(format)) missing(col, ['alertDetailsOverride', key], `${key} placeholder {{${col}}}`);
  }
  for (const key of ['alertTacticsColumnName', 'alertSeverityColumnName'] as const) {
    const col = o[key];
    if (col !== undefined) missing(col, ['alertDetailsOverride', key], key);
  }
  o.alertDynamicProperties.forEach((d, i) => missing(d.value, ['alertDetailsOverride', 'alertDynamicProperties', i, 'value'], `alert property '${d.alertProperty}'`));
}

/** Validates every rule of a loaded file, with the file's own load problems first. */
export function validateLoaded(loaded: LoadedRules, env: ValidationEnvironment): Finding[] {
  const findings = problemFindings(loaded);
  for (const rule of loaded.rules) findings.push(...validateRule(rule, env));
  return findings;
}
