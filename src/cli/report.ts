// Diagnostics of one input, in the file's own coordinates: as compiler-style text
// (`file:line:col: error: message`, source line, caret) or as the JSON `check` prints.

import type { Diagnostic } from '../kql/syntax/ast.js';
import { SourceText, formatDiagnostic } from '../kql/syntax/source.js';
import type { ColumnSchema } from '../kql/types.js';
import type { QueryInput } from './inputs.js';

export interface JsonDiagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  line: number;
  column: number;
}

export interface CheckReport {
  file: string;
  ok: boolean;
  diagnostics: JsonDiagnostic[];
  schema: { name: string; type: string }[] | null;
}

/** A problem with the input itself (unreadable, bad YAML, no query) as a diagnostic in file offsets. */
export function inputProblemDiagnostic(input: QueryInput): Diagnostic | undefined {
  const p = input.problem;
  if (!p) return undefined;
  return { severity: 'error', code: 'INPUT', message: p.message, start: p.offset, end: p.offset + 1 };
}

/** Query-offset diagnostics moved to file offsets. */
export function toFileDiagnostics(input: QueryInput, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => {
    const start = input.toFileOffset(d.start);
    const end = Math.max(start, input.toFileOffset(Math.max(d.start, d.end)));
    return { ...d, start, end };
  });
}

export class InputReporter {
  private source: SourceText | undefined;
  constructor(readonly input: QueryInput) {}

  private sourceText(): SourceText {
    return (this.source ??= new SourceText(this.input.fileText));
  }

  /** `fileDiagnostics` are in file offsets (see toFileDiagnostics). */
  text(fileDiagnostics: readonly Diagnostic[]): string {
    return fileDiagnostics.map((d) => formatDiagnostic(this.input.file, this.sourceText(), d) + '\n').join('');
  }

  json(fileDiagnostics: readonly Diagnostic[], schema: readonly ColumnSchema[] | null): CheckReport {
    const src = this.sourceText();
    const diagnostics = fileDiagnostics.map((d) => {
      const { line, column } = src.lineCol(d.start);
      return { severity: d.severity, code: d.code, message: d.message, line, column };
    });
    return {
      file: this.input.file,
      ok: !fileDiagnostics.some((d) => d.severity === 'error'),
      diagnostics,
      schema: schema === null ? null : schema.map((c) => ({ name: c.name, type: c.type })),
    };
  }
}
