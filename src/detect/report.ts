// Validation findings as text (`file:line:col: error: message [check]`), JSON, and SARIF 2.1.0
// so CI systems (GitHub code scanning, Azure DevOps) annotate the rule file's own lines.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHECKS, type Finding } from './validate.js';

export type LineCol = (offset: number) => { line: number; col: number };

/** One validated file: its findings and how to turn offsets into lines. */
export interface FileReport {
  file: string;
  lineCol: LineCol;
  findings: Finding[];
  rules: number;
}

export interface LocatedFinding extends Finding {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export function locate(report: FileReport): LocatedFinding[] {
  return report.findings.map((f) => {
    const s = report.lineCol(f.start);
    const e = report.lineCol(Math.max(f.start, f.end));
    return { ...f, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  });
}

export function formatText(reports: readonly FileReport[]): string {
  let out = '';
  let errors = 0;
  let warnings = 0;
  for (const r of reports) {
    for (const f of locate(r)) {
      out += `${f.file}:${f.line}:${f.col}: ${f.severity}: ${f.message} [${f.check}]\n`;
      if (f.severity === 'error') errors++;
      else warnings++;
    }
  }
  const rules = reports.reduce((n, r) => n + r.rules, 0);
  out += `${reports.length} file(s), ${rules} rule(s): ${errors} error(s), ${warnings} warning(s)\n`;
  return out;
}

export function formatJson(reports: readonly FileReport[]): string {
  const files = reports.map((r) => ({
    file: r.file,
    rules: r.rules,
    findings: locate(r).map((f) => ({
      check: f.check, severity: f.severity, message: f.message, line: f.line, column: f.col, endLine: f.endLine, endColumn: f.endCol,
      ...(f.ruleId ? { ruleId: f.ruleId } : {}),
    })),
  }));
  const all = files.flatMap((f) => f.findings);
  return JSON.stringify({
    files,
    errors: all.filter((f) => f.severity === 'error').length,
    warnings: all.filter((f) => f.severity === 'warning').length,
  }, null, 2) + '\n';
}

/** SARIF artifact URIs: relative to the working directory when inside it (what CI expects), else file:// URLs. */
function artifactLocation(file: string, baseDir: string): { uri: string; uriBaseId?: string } {
  const rel = path.relative(baseDir, path.resolve(file));
  if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(path.resolve(file)).href };
}

export function formatSarif(reports: readonly FileReport[], toolVersion: string, baseDir = process.cwd()): string {
  const ruleIds = Object.keys(CHECKS);
  const results = reports.flatMap((r) => locate(r).map((f) => ({
    ruleId: f.check,
    ruleIndex: ruleIds.indexOf(f.check),
    level: f.severity,
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: artifactLocation(f.file, baseDir),
        region: { startLine: f.line, startColumn: f.col, endLine: f.endLine, endColumn: f.endCol },
      },
    }],
    ...(f.ruleId ? { properties: { sentinelRuleId: f.ruleId } } : {}),
  })));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'kqlhunt',
          version: toolVersion,
          informationUri: 'https://github.com/kqlhunt/kqlhunt',
          rules: ruleIds.map((id) => ({ id, shortDescription: { text: CHECKS[id]! }, defaultConfiguration: { level: 'error' } })),
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(baseDir.endsWith(path.sep) ? baseDir : baseDir + path.sep).href } },
      results,
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
