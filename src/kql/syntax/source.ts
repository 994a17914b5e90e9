// Maps UTF-16 offsets in query text to 1-based line/column for messages.

import type { Diagnostic } from './ast.js';

export class SourceText {
  /** Offset at which each line starts; line N (1-based) starts at lineStarts[N-1]. */
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      } else if (c === 10 || c === 0x2028 || c === 0x2029) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line and column of an offset; offsets past the end map to the end. */
  lineCol(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - this.lineStarts[lo] + 1 };
  }

  /** The text of a 1-based line without its line terminator; '' for lines out of range. */
  lineText(line: number): string {
    if (line < 1 || line > this.lineStarts.length) return '';
    const start = this.lineStarts[line - 1];
    const end = line < this.lineStarts.length ? this.lineStarts[line] : this.text.length;
    return this.text.slice(start, end).replace(/(\r\n|\r|\n|\u2028|\u2029)$/, '');
  }
}

/**
 * `file:line:col: error: message`, then the offending source line and a caret line
 * underlining the diagnostic's range (clipped to that line).
 */
export function formatDiagnostic(file: string, source: SourceText, diag: Diagnostic): string {
  const { line, column } = source.lineCol(diag.start);
  const lineText = source.lineText(line);
  const underline = Math.max(1, Math.min(diag.end - diag.start, lineText.length - column + 1));
  // Tabs are kept in the indent so the caret lines up under the same character.
  const indent = lineText.slice(0, column - 1).replace(/[^\t]/g, ' ');
  const caret = indent + '^' + '~'.repeat(underline - 1);
  return `${file}:${line}:${column}: ${diag.severity}: ${diag.message}\n${lineText}\n${caret}`;
}
