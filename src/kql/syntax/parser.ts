// Hand-written recursive-descent parser for the KQL query language.
//
// Every parse function consumes tokens and returns a node; none throws. On an unexpected
// token the parser reports a diagnostic, produces an `Error` node where an expression was
// required, and resynchronises at the next `|`, `;` or closing bracket of the current nesting
// level, so one run reports several independent errors. Every loop either consumes a token
// or exits, which bounds the work by the token count.

import type {
  AsOp, ColumnDecl, ColumnPattern, CountOp, DatatableOp, Diagnostic, DistinctOp, EvaluateOp, Expr,
  ExternalDataOp, FacetOp, FindOp, ForkOp, FunctionBody, FunctionDecl, GenericOp, Ident, InExpr,
  InvokeOp, JoinOp, Literal, LookupOp, MakeSeriesAggregate, MakeSeriesOp, MvApplyOp, MvExpandItem,
  MvExpandOp, NamedExpr, OperatorOption, Param, ParseKvOp, ParseOp, ParsePatternElement, PartitionOp,
  PrintOp, ProjectRenameOp, Query, QueryOperator, RangeOp, ReduceOp, RenderOp, ScalarTypeRef, ScanOp,
  ScanStep, SearchOp, SortKey, Statement, SummarizeOp, TabularTypeRef, TopHittersOp, TopNestedClause,
  TopNestedOp, TypeRef, UnionOp,
} from './ast.js';
import { lex, TYPED_LITERAL_WORDS, type Token } from './lexer.js';
import {
  BOOLEAN_WORDS, CALLABLE_RESERVED, LIST_OPERATORS, OPERATOR_PARAMETERS, RESERVED_DECLARED_NAMES,
  RESERVED_REFERENCE_NAMES, SOURCE_OPERATORS, STRING_OPERATORS,
} from './keywords.js';
import { isNullLiteral, parseDatetimeLiteral } from '../values/datetime.js';
import { parseTimespanLiteral } from '../values/timespan.js';
import { parseGuidLiteral } from '../values/guid.js';
import { dynamicFromScalar } from '../values/dynamic.js';
import type { DynamicValue, Scalar, ScalarType } from '../types.js';
import { typeFromName } from '../types.js';

export const SYNTAX_ERROR = 'KQL001';
export const LITERAL_ERROR = 'KQL002';
/** Constructs Microsoft's grammar accepts but ADX rejects on analysis (`where x = 1`). */
export const SHAPE_ERROR = 'KQL003';

export interface ParseResult {
  query: Query;
  diagnostics: Diagnostic[];
}

export function parse(text: string): ParseResult {
  try {
    return new Parser(text).parseQuery();
  } catch (e) {
    // A parser bug must not take the caller down; the fuzz test asserts this never happens.
    const message = `internal parser error: ${e instanceof Error ? e.message : String(e)}`;
    return {
      query: { kind: 'Query', start: 0, end: text.length, statements: [] },
      diagnostics: [{ severity: 'error', code: SYNTAX_ERROR, message, start: 0, end: 0 }],
    };
  }
}

function clampEmptyRanges(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) clampEmptyRanges(v);
    return;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number' && o.end < o.start) o.end = o.start;
  for (const [k, v] of Object.entries(o)) if (!(k === 'value' && o.kind === 'Literal')) clampEmptyRanges(v);
}

/** Deeper nesting than this is refused rather than risking the JS stack. */
const MAX_NESTING = 256;

/** Largest integer a JS number holds exactly; long literals beyond it are refused (types.ts). */
const MAX_EXACT = 2n ** 53n;

const CLOSERS = new Set([')', ']', '}']);
const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private readonly diagnostics: Diagnostic[] = [];
  /** Inside `search`/`find` predicates `Col:"text"` means `Col has "text"`. */
  private colonIsHas = false;
  /** Current recursion depth of nested expressions, bounded by MAX_NESTING. */
  private nesting = 0;

  constructor(private readonly text: string) {
    const lexed = lex(text);
    this.tokens = lexed.tokens;
    for (const d of lexed.diagnostics) this.error(d.message, d.start, d.end);
  }

  // ───────────────────────────── token helpers ─────────────────────────────

  private get tok(): Token {
    return this.tokens[this.pos];
  }

  private atEof(): boolean {
    return this.tokens[this.pos].kind === 'eof';
  }

  private peek(k = 1): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }

  private get prevEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1].end : 0;
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isP(t: Token, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }

  private atP(p: string): boolean {
    return this.isP(this.tok, p);
  }

  private isW(t: Token, w: string): boolean {
    return t.kind === 'ident' && t.text === w;
  }

  private atW(w: string): boolean {
    return this.isW(this.tok, w);
  }

  private eatP(p: string): Token | undefined {
    return this.atP(p) ? this.next() : undefined;
  }

  private eatW(w: string): Token | undefined {
    return this.atW(w) ? this.next() : undefined;
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of query';
    return `'${t.text.length > 30 ? t.text.slice(0, 30) + '…' : t.text}'`;
  }

  private error(message: string, start: number, end: number, code = SYNTAX_ERROR): void {
    // One diagnostic per position: later ones at the same spot are usually consequences.
    const last = this.diagnostics[this.diagnostics.length - 1];
    if (last && last.start === start && code === SYNTAX_ERROR && last.code === SYNTAX_ERROR) return;
    this.diagnostics.push({ severity: 'error', code, message, start, end: Math.max(start, end) });
  }

  private errorAtToken(message: string): void {
    const t = this.tok;
    this.error(message, t.start, t.end);
  }

  private expectP(p: string, context: string): Token | undefined {
    const t = this.eatP(p);
    if (!t) this.errorAtToken(`expected '${p}' ${context}, found ${this.describe(this.tok)}`);
    return t;
  }

  private expectW(w: string, context: string): Token | undefined {
    const t = this.eatW(w);
    if (!t) this.errorAtToken(`expected '${w}' ${context}, found ${this.describe(this.tok)}`);
    return t;
  }

  /** True at a token that ends a pipeline at this nesting level. */
  private atPipelineEnd(): boolean {
    const t = this.tok;
    return t.kind === 'eof' || (t.kind === 'punct' && (t.text === ';' || t.text === ',' || CLOSERS.has(t.text)));
  }

  /** True where an operator's clause list ends: `|` or the end of the pipeline. */
  private atOperatorEnd(): boolean {
    return this.atP('|') || this.atPipelineEnd();
  }

  /**
   * Skips tokens (balancing brackets) up to a `|`, `;`, `,` or unmatched closing bracket at
   * the current level. `stopAtComma` false skips commas too.
   */
  private skipToSync(stopAtComma = true): void {
    let depth = 0;
    while (!this.atEof()) {
      const t = this.tok;
      if (t.kind === 'punct') {
        if (depth === 0 && (t.text === '|' || t.text === ';' || (stopAtComma && t.text === ',') || CLOSERS.has(t.text))) return;
        if (OPENERS[t.text]) depth++;
        else if (CLOSERS.has(t.text)) depth--;
      }
      this.next();
    }
  }

  private errorExpr(at: number): Expr {
    return { kind: 'Error', start: at, end: at };
  }

  // ───────────────────────────── statements ─────────────────────────────

  parseQuery(): ParseResult {
    const statements: Statement[] = [];
    while (!this.atEof()) {
      if (this.eatP(';')) continue;
      const before = this.pos;
      statements.push(this.parseStatement());
      if (this.atEof()) break;
      if (!this.eatP(';')) {
        this.errorAtToken(`unexpected ${this.describe(this.tok)}: expected ';' or end of query`);
        this.skipToSync(false);
        // An unmatched closing bracket at top level: drop it so parsing moves on.
        if (this.pos === before || CLOSERS.has(this.tok.text)) this.next();
      }
    }
    const query: Query = { kind: 'Query', start: 0, end: this.text.length, statements };
    // Recovery can leave a node that consumed nothing ending before it starts; make it empty.
    if (this.diagnostics.length > 0) clampEmptyRanges(query);
    return { query, diagnostics: this.diagnostics };
  }

  private parseStatement(): Statement {
    if (this.nesting >= MAX_NESTING) {
      const e = this.tooDeep();
      return { kind: 'ExprStatement', start: e.start, end: e.end, expr: e };
    }
    this.nesting++;
    try {
      return this.parseStatementInner();
    } finally {
      this.nesting--;
    }
  }

  private parseStatementInner(): Statement {
    const t = this.tok;
    if (t.kind === 'ident') {
      switch (t.text) {
        case 'let': return this.parseLet();
        case 'declare':
          if (this.isW(this.peek(), 'query_parameters')) return this.parseDeclareQueryParameters();
          if (this.isW(this.peek(), 'pattern')) return this.parseDeclarePattern();
          break;
        case 'set':
          if (this.peek().kind === 'ident') return this.parseSet();
          break;
        case 'alias':
          if (this.isW(this.peek(), 'database')) return this.parseAlias();
          break;
        case 'restrict':
          if (this.isW(this.peek(), 'access')) return this.parseRestrict();
          break;
      }
    }
    const expr = this.parsePipeExpr();
    return { kind: 'ExprStatement', start: expr.start, end: expr.end, expr };
  }

  private parseLet(): Statement {
    const start = this.next().start;
    const name = this.parseName('reference', 'after let');
    this.expectP('=', `after 'let ${name.name}'`);
    let value: Expr | FunctionDecl;
    if (this.atW('view') && this.isP(this.peek(), '(')) {
      value = this.parseFunctionDecl(true);
    } else if (this.atP('(') && this.isFunctionHead()) {
      value = this.parseFunctionDecl(false);
    } else if (this.atW('materialize') && this.isP(this.peek(), '(')) {
      // materialize() is only valid as the whole value of a let statement.
      const t = this.next();
      const name: Ident = { kind: 'Ident', start: t.start, end: t.end, name: t.text, quoted: false };
      const args = this.parseArgs();
      value = this.parsePipeTail({ kind: 'Call', start: t.start, end: this.prevEnd, name, args });
    } else {
      value = this.parsePipeExpr();
    }
    return { kind: 'Let', start, end: this.prevEnd, name, value };
  }

  /** At `(`: is this a parameter list followed by a `{` body rather than a parenthesised expression? */
  private isFunctionHead(): boolean {
    let depth = 0;
    for (let i = this.pos; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t.kind === 'eof') return false;
      if (t.kind !== 'punct') continue;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        depth--;
        if (depth === 0) return this.isP(this.tokens[i + 1], '{');
      } else if (depth === 1 && (t.text === '|' || t.text === ';')) return false;
    }
    return false;
  }

  private parseFunctionDecl(isView: boolean): FunctionDecl {
    const start = this.tok.start;
    if (isView) this.next();
    this.expectP('(', 'to start the parameter list');
    const params: Param[] = [];
    if (!this.atP(')')) {
      for (;;) {
        params.push(this.parseParam(true));
        if (!this.eatP(',')) break;
      }
    }
    this.expectP(')', 'to close the parameter list');
    const body = this.parseFunctionBody();
    return { kind: 'FunctionDecl', start, end: this.prevEnd, isView, params, body };
  }

  private parseFunctionBody(): FunctionBody {
    const start = this.tok.start;
    const statements: Statement[] = [];
    let result: Expr | undefined;
    if (!this.expectP('{', 'to start the function body')) {
      return { kind: 'FunctionBody', start, end: start, statements, result: this.errorExpr(start) };
    }
    while (!this.atP('}') && !this.atEof()) {
      const before = this.pos;
      if (this.eatP(';')) continue;
      const stmt = this.parseStatement();
      if (stmt.kind === 'ExprStatement') {
        if (result) this.error('a function body has a single result expression; expected \'}\'', stmt.start, stmt.end);
        result = stmt.expr;
      } else {
        if (result) this.error('statements must precede the result expression of a function body', stmt.start, stmt.end);
        statements.push(stmt);
      }
      if (!this.eatP(';') && !this.atP('}')) {
        this.errorAtToken(`unexpected ${this.describe(this.tok)} in function body: expected ';' or '}'`);
        this.skipToSync(false);
        if (this.pos === before || (CLOSERS.has(this.tok.text) && !this.atP('}'))) this.next();
      }
    }
    const close = this.expectP('}', 'to close the function body');
    if (!result) {
      this.error('function body has no result expression', start, close?.end ?? this.prevEnd);
      result = this.errorExpr(this.prevEnd);
    }
    return { kind: 'FunctionBody', start, end: this.prevEnd, statements, result };
  }

  private parseParam(allowTabular: boolean): Param {
    const start = this.tok.start;
    const name = this.parseName('declared', 'as a parameter name');
    this.expectP(':', `after parameter '${name.name}'`);
    const type = this.parseTypeRef(allowTabular);
    let defaultValue: Expr | undefined;
    if (this.eatP('=')) defaultValue = this.parseExpr();
    return { kind: 'Param', start, end: this.prevEnd, name, type, defaultValue };
  }

  private parseTypeRef(allowTabular: boolean): TypeRef {
    if (allowTabular && this.atP('(')) return this.parseTabularType();
    return this.parseScalarType();
  }

  private parseTabularType(): TabularTypeRef {
    const start = this.next().start;
    const columns: ColumnDecl[] = [];
    let open = false;
    if (this.atP('*') && this.isP(this.peek(), ')')) {
      this.next();
      open = true;
    } else {
      for (;;) {
        columns.push(this.parseColumnDecl());
        if (!this.eatP(',')) break;
      }
    }
    this.expectP(')', 'to close the table schema');
    return { kind: 'TabularTypeRef', start, end: this.prevEnd, columns, open };
  }

  private parseScalarType(): ScalarTypeRef {
    const t = this.tok;
    const type: ScalarType | undefined = t.kind === 'ident' ? typeFromName(t.text) : undefined;
    if (!type) {
      this.errorAtToken(`expected a type name (string, long, int, real, bool, datetime, timespan, guid, dynamic, decimal), found ${this.describe(t)}`);
      return { kind: 'ScalarTypeRef', start: t.start, end: t.start, type: 'dynamic', text: '' };
    }
    this.next();
    return { kind: 'ScalarTypeRef', start: t.start, end: t.end, type, text: t.text };
  }

  private parseColumnDecl(): ColumnDecl {
    const start = this.tok.start;
    const name = this.parseName('declared', 'as a column name');
    this.expectP(':', `after column '${name.name}'`);
    const type = this.parseScalarType();
    return { kind: 'ColumnDecl', start, end: this.prevEnd, name, type };
  }

  private parseColumnDeclList(context: string): ColumnDecl[] {
    const columns: ColumnDecl[] = [];
    if (!this.expectP('(', context)) return columns;
    while (!this.atP(')') && !this.atEof()) {
      const before = this.pos;
      columns.push(this.parseColumnDecl());
      if (!this.eatP(',')) break;
      if (this.pos === before) break;
    }
    this.expectP(')', 'to close the column list');
    return columns;
  }

  private parseDeclareQueryParameters(): Statement {
    const start = this.next().start;
    this.next();
    const params: Param[] = [];
    if (this.expectP('(', "after 'declare query_parameters'")) {
      while (!this.atP(')') && !this.atEof()) {
        params.push(this.parseParam(true));
        if (!this.eatP(',')) break;
      }
      this.expectP(')', 'to close the parameter list');
    }
    return { kind: 'DeclareQueryParameters', start, end: this.prevEnd, params };
  }

  private parseDeclarePattern(): Statement {
    const start = this.next().start;
    this.next();
    const name = this.parseName('reference', "after 'declare pattern'");
    const params: Param[] = [];
    const definitions: { start: number; end: number; args: Expr[]; pathArg?: Expr; body: Expr }[] = [];
    if (this.eatP('=')) {
      if (this.expectP('(', 'to start the pattern parameters')) {
        while (!this.atP(')') && !this.atEof()) {
          params.push(this.parseParam(false));
          if (!this.eatP(',')) break;
        }
        this.expectP(')', 'to close the pattern parameters');
      }
      if (this.eatP('[')) {
        params.push(this.parseParam(false));
        this.expectP(']', 'to close the path parameter');
      }
      if (this.expectP('{', 'to start the pattern definitions')) {
        while (this.atP('(')) {
          const defStart = this.next().start;
          const args: Expr[] = [];
          while (!this.atP(')') && !this.atEof()) {
            args.push(this.parseExpr());
            if (!this.eatP(',')) break;
          }
          this.expectP(')', 'to close the pattern arguments');
          let pathArg: Expr | undefined;
          if (this.atP('.') && this.isP(this.peek(), '[')) {
            this.next(); this.next();
            pathArg = this.parseExpr();
            this.expectP(']', 'to close the path argument');
          }
          this.expectP('=', 'before the pattern body');
          let body: Expr = this.errorExpr(this.tok.start);
          if (this.expectP('{', 'to start the pattern body')) {
            body = this.parseFunctionBodyAsExpr();
          }
          this.eatP(';');
          definitions.push({ start: defStart, end: this.prevEnd, args, pathArg, body });
        }
        this.expectP('}', 'to close the pattern definitions');
      }
    }
    return { kind: 'Pattern', start, end: this.prevEnd, name, params, definitions };
  }

  /** A pattern body `{ lets; expr }` after its `{`; lets are dropped into the result's scope. */
  private parseFunctionBodyAsExpr(): Expr {
    let result: Expr = this.errorExpr(this.tok.start);
    while (!this.atP('}') && !this.atEof()) {
      const before = this.pos;
      const stmt = this.parseStatement();
      if (stmt.kind === 'ExprStatement') result = stmt.expr;
      if (!this.eatP(';') && !this.atP('}')) {
        this.errorAtToken(`unexpected ${this.describe(this.tok)}: expected ';' or '}'`);
        this.skipToSync(false);
        if (this.pos === before) this.next();
      }
    }
    this.expectP('}', 'to close the pattern body');
    return result;
  }

  private parseSet(): Statement {
    const start = this.next().start;
    const name = this.parseName('any', "after 'set'");
    let value: Expr | undefined;
    if (this.eatP('=')) {
      value = this.tok.kind === 'ident' && !BOOLEAN_WORDS[this.tok.text]
        ? this.nameRef(this.parseName('any', 'as the option value'))
        : this.parseUnary();
    }
    return { kind: 'Set', start, end: this.prevEnd, name, value };
  }

  private parseAlias(): Statement {
    const start = this.next().start;
    this.next();
    const name = this.parseName('reference', "after 'alias database'");
    this.expectP('=', `after 'alias database ${name.name}'`);
    const value = this.parseExpr();
    return { kind: 'Alias', start, end: this.prevEnd, entity: 'database', name, value };
  }

  private parseRestrict(): Statement {
    const start = this.next().start;
    this.next();
    this.expectW('to', "after 'restrict access'");
    const entities: Expr[] = [];
    if (this.expectP('(', "after 'restrict access to'")) {
      while (!this.atP(')') && !this.atEof()) {
        entities.push(this.parseEntity());
        if (!this.eatP(',')) break;
      }
      this.expectP(')', 'to close the entity list');
    }
    return { kind: 'Restrict', start, end: this.prevEnd, entities };
  }

  // ───────────────────────────── names ─────────────────────────────

  /**
   * A name: a word or `['quoted']`. `reference` and `declared` apply ADX's rules for which
   * keywords must be bracketed; `any` accepts every word.
   */
  private parseName(use: 'reference' | 'declared' | 'any', context: string): Ident {
    const t = this.tok;
    if (t.kind === 'ident') {
      const reserved = use === 'reference' ? RESERVED_REFERENCE_NAMES : use === 'declared' ? RESERVED_DECLARED_NAMES : undefined;
      if (reserved?.has(t.text)) {
        this.error(`the name '${t.text}' needs to be bracketed as ['${t.text}'] to be used ${context}`, t.start, t.end);
      }
      this.next();
      return { kind: 'Ident', start: t.start, end: t.end, name: t.text, quoted: false };
    }
    if (t.kind === 'typed' && use !== 'reference') {
      // e.g. a column called `date` directly followed by `(` is unusual; treat it as an error.
    }
    if (this.atP('[') && this.peek().kind === 'string') {
      const start = this.next().start;
      let name = '';
      while (this.tok.kind === 'string') name += this.next().value ?? '';
      this.expectP(']', 'to close the bracketed name');
      return { kind: 'Ident', start, end: this.prevEnd, name, quoted: true };
    }
    this.errorAtToken(`expected a name ${context}, found ${this.describe(t)}`);
    return { kind: 'Ident', start: t.start, end: t.start, name: '', quoted: false };
  }

  private atName(): boolean {
    return this.tok.kind === 'ident' || (this.atP('[') && this.peek().kind === 'string');
  }

  private nameRef(name: Ident): Expr {
    return { kind: 'NameRef', start: name.start, end: name.end, name };
  }

  /** Index just past a name starting at `i` (word or `['x']`), or -1. */
  private nameEndIndex(i: number): number {
    const t = this.tokens[i];
    if (t.kind === 'ident') return i + 1;
    if (this.isP(t, '[') && this.tokens[i + 1]?.kind === 'string') {
      let j = i + 1;
      while (this.tokens[j].kind === 'string') j++;
      return this.isP(this.tokens[j], ']') ? j + 1 : -1;
    }
    return -1;
  }

  // ───────────────────────────── pipelines ─────────────────────────────

  /** A full tabular or scalar expression: a source followed by `| operator`s. */
  private parsePipeExpr(): Expr {
    if (this.nesting >= MAX_NESTING) return this.tooDeep();
    this.nesting++;
    try {
      const head = this.parsePipeHead();
      return this.parsePipeTail(head);
    } finally {
      this.nesting--;
    }
  }

  private tooDeep(): Expr {
    const start = this.tok.start;
    this.error(`expression nested too deeply (more than ${MAX_NESTING} levels)`, start, this.tok.end);
    // Skip the rest of the query: recovering inside such nesting would only recurse again.
    while (!this.atEof()) this.next();
    return this.errorExpr(start);
  }

  private parsePipeHead(): Expr {
    const t = this.tok;
    if (t.kind === 'ident' && SOURCE_OPERATORS.has(t.text) && !(t.text === 'range' && this.isP(this.peek(), '('))) {
      const op = this.parseOperator();
      return { kind: 'SourceOperator', start: op.start, end: op.end, op };
    }
    return this.parseExpr();
  }

  private parsePipeTail(head: Expr): Expr {
    let expr = head;
    for (;;) {
      if (this.atP('|')) {
        this.next();
        const op = this.parseOperator();
        expr = { kind: 'Pipe', start: expr.start, end: op.end, input: expr, op };
        continue;
      }
      if (this.atPipelineEnd()) return expr;
      this.errorAtToken(`unexpected ${this.describe(this.tok)}: expected '|' or the end of the expression`);
      this.skipToSync();
    }
  }

  /** An operator chain with an implicit input (mv-apply, fork, facet and partition bodies). */
  private parseOperatorChain(): Expr {
    const op = this.parseOperator();
    return this.parsePipeTail({ kind: 'SourceOperator', start: op.start, end: op.end, op });
  }

  // ───────────────────────────── tabular operators ─────────────────────────────

  private parseOperator(): QueryOperator {
    const t = this.tok;
    if (t.kind !== 'ident') {
      this.errorAtToken(`expected a query operator after '|', found ${this.describe(t)}`);
      return this.genericFallback(t.start);
    }
    switch (t.text) {
      case 'where': case 'filter': return this.parseWhere();
      case 'extend': return this.parseItemsOp('Extend', false);
      case 'project': return this.parseItemsOp('Project', true);
      case 'serialize': return this.parseItemsOp('Serialize', true);
      case 'print': return this.parseItemsOp('Print', false) as PrintOp;
      case 'project-away': return this.parsePatternsOp('ProjectAway', false);
      case 'project-keep': return this.parsePatternsOp('ProjectKeep', false);
      case 'project-reorder': return this.parsePatternsOp('ProjectReorder', true);
      case 'project-rename': return this.parseProjectRename();
      case 'summarize': return this.parseSummarize();
      case 'count': return this.parseCount();
      case 'distinct': return this.parseDistinct();
      case 'take': case 'limit': return this.parseTake();
      case 'top': return this.parseTop();
      case 'top-nested': return this.parseTopNested();
      case 'top-hitters': return this.parseTopHitters();
      case 'sort': case 'order': return this.parseSort();
      case 'sample': return this.parseSample();
      case 'sample-distinct': return this.parseSampleDistinct();
      case 'join': return this.parseJoin();
      case 'lookup': return this.parseLookup();
      case 'union': return this.parseUnion();
      case 'as': return this.parseAs();
      case 'getschema': { this.next(); return { kind: 'GetSchema', start: t.start, end: t.end, keyword: t.text, options: [] }; }
      case 'mv-expand': case 'mvexpand': return this.parseMvExpand();
      case 'mv-apply': case 'mvapply': return this.parseMvApply();
      case 'parse': case 'parse-where': return this.parseParse();
      case 'parse-kv': return this.parseParseKv();
      case 'make-series': return this.parseMakeSeries();
      case 'render': return this.parseRender();
      case 'evaluate': return this.parseEvaluate();
      case 'invoke': return this.parseInvoke();
      case 'facet': return this.parseFacet();
      case 'fork': return this.parseFork();
      case 'partition': return this.parsePartition();
      case 'consume': { this.next(); const options = this.parseOptions(); return { kind: 'Consume', start: t.start, end: this.prevEnd, keyword: t.text, options }; }
      case 'scan': return this.parseScan();
      case 'search': return this.parseSearch();
      case 'find': return this.parseFind();
      case 'range': return this.parseRange();
      case 'datatable': return this.parseDatatable();
      case 'externaldata': case 'external_data': return this.parseExternalData();
      case 'reduce': return this.parseReduce();
      case 'make-graph': case 'graph-match': case 'graph-merge': case 'graph-to-table':
      case 'graph-shortest-paths': case 'graph-mark-components': case 'macro-expand':
      case 'assert-schema': case 'execute-and-cache': case 'partition-by':
        return this.parseGeneric();
    }
    this.errorAtToken(`unknown query operator '${t.text}'`);
    return this.genericFallback(t.start);
  }

  /** A placeholder operator after an error: skips to the next `|` or end of pipeline. */
  private genericFallback(start: number): GenericOp {
    this.skipToSync();
    return { kind: 'Generic', start, end: Math.max(start, this.prevEnd), keyword: '', options: [], parts: [] };
  }

  /** Operators without a dedicated node: keeps every expression found, in order. */
  private parseGeneric(): GenericOp {
    const t = this.next();
    const options = this.parseOptions();
    const parts: Expr[] = [];
    const diagnosticCount = this.diagnostics.length;
    while (!this.atOperatorEnd()) {
      const before = this.pos;
      const e = this.parseExpr();
      if (e.kind !== 'Error') parts.push(e);
      if (this.pos === before) this.next();
      this.eatP(',');
    }
    // The grammar of these operators is not modelled; their pieces are kept without judging them.
    this.diagnostics.length = diagnosticCount;
    return { kind: 'Generic', start: t.start, end: this.prevEnd, keyword: t.text, options, parts };
  }

  /** `name=value` operator parameters such as `kind=inner` or `hint.strategy=shuffle`. */
  private parseOptions(extra?: ReadonlySet<string>): OperatorOption[] {
    const options: OperatorOption[] = [];
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'ident') break;
      let name = t.text;
      let i = this.pos + 1;
      if (name === 'hint') {
        if (!this.isP(this.tokens[i], '.') || this.tokens[i + 1]?.kind !== 'ident') break;
        name = 'hint.' + this.tokens[i + 1].text;
        i += 2;
      } else if (!OPERATOR_PARAMETERS.has(name) && !extra?.has(name)) {
        break;
      }
      if (!this.isP(this.tokens[i], '=')) break;
      this.pos = i + 1;
      const value = this.parseOptionValue(name);
      options.push({ kind: 'Option', start: t.start, end: this.prevEnd, name, value });
    }
    return options;
  }

  private parseOptionValue(name: string): Expr {
    const t = this.tok;
    if (t.kind === 'ident' && BOOLEAN_WORDS[t.text] === undefined) {
      this.next();
      return this.nameRef({ kind: 'Ident', start: t.start, end: t.end, name: t.text, quoted: false });
    }
    if (t.kind === 'string' || t.kind === 'long' || t.kind === 'real' || t.kind === 'timespan' || t.kind === 'typed' || t.kind === 'ident' || this.atP('-') || this.atP('[')) {
      if (this.atP('[')) return this.nameRef(this.parseName('any', `as the value of ${name}`));
      return this.parseUnary();
    }
    this.errorAtToken(`expected a value for '${name}', found ${this.describe(t)}`);
    return this.errorExpr(t.start);
  }

  private parseWhere(): QueryOperator {
    const t = this.next();
    const options = this.parseOptions();
    const named = this.parseNamedExpr(`after '${t.text}'`);
    if (named.names.length > 0) {
      this.error(`'${t.text}' needs a predicate, not an assignment: use '==' to compare`, named.start, named.end, SHAPE_ERROR);
    }
    const predicate = named.expr;
    return { kind: 'Where', start: t.start, end: this.prevEnd, keyword: t.text, options, predicate };
  }

  private parseRequiredExpr(context: string): Expr {
    if (this.atOperatorEnd()) {
      this.errorAtToken(`expected an expression ${context}, found ${this.describe(this.tok)}`);
      return this.errorExpr(this.tok.start);
    }
    return this.parseExpr();
  }

  private parseItemsOp(kind: 'Extend' | 'Project' | 'Serialize' | 'Print', allowEmpty: boolean): QueryOperator {
    const t = this.next();
    const options = this.parseOptions();
    const items = allowEmpty && this.atOperatorEnd() ? [] : this.parseNamedExprList(`after '${t.text}'`);
    return { kind, start: t.start, end: this.prevEnd, keyword: t.text, options, items } as QueryOperator;
  }

  /** `a = x, (b, c) = f(), y` up to a stop word. */
  private parseNamedExprList(context: string, stopWords?: ReadonlySet<string>): NamedExpr[] {
    const items: NamedExpr[] = [];
    for (;;) {
      if (stopWords && this.tok.kind === 'ident' && stopWords.has(this.tok.text)) break;
      items.push(this.parseNamedExpr(context));
      if (!this.eatP(',')) break;
    }
    return items;
  }

  private parseNamedExpr(context: string): NamedExpr {
    const start = this.tok.start;
    const names: Ident[] = [];
    if (this.atP('(') && this.isNameTupleAssignment()) {
      this.next();
      for (;;) {
        names.push(this.parseName('declared', 'in a name list'));
        if (!this.eatP(',')) break;
      }
      this.expectP(')', 'to close the name list');
      this.expectP('=', 'after the name list');
    } else {
      const end = this.nameEndIndex(this.pos);
      if (end > 0 && this.isP(this.tokens[end], '=')) {
        names.push(this.parseName('declared', 'as a column name'));
        this.next();
      }
    }
    const expr = this.parseRequiredExpr(context);
    return { kind: 'NamedExpr', start, end: this.prevEnd, names, expr };
  }

  /** At `(`: `(a, b, c) =` with names only. */
  private isNameTupleAssignment(): boolean {
    let i = this.pos + 1;
    for (;;) {
      const end = this.nameEndIndex(i);
      if (end < 0) return false;
      i = end;
      if (this.isP(this.tokens[i], ',')) { i++; continue; }
      return this.isP(this.tokens[i], ')') && this.isP(this.tokens[i + 1], '=');
    }
  }

  private parsePatternsOp(kind: 'ProjectAway' | 'ProjectKeep' | 'ProjectReorder', ordered: boolean): QueryOperator {
    const t = this.next();
    const columns: ColumnPattern[] = [];
    if (!this.atOperatorEnd()) {
      for (;;) {
        const p = this.parseColumnPattern();
        if (ordered) {
          const order = this.tok.text;
          if (this.tok.kind === 'ident' && (order === 'asc' || order === 'desc' || order === 'granny-asc' || order === 'granny-desc')) {
            this.next();
            p.order = order;
            p.end = this.prevEnd;
          }
        }
        columns.push(p);
        if (!this.eatP(',')) break;
      }
    }
    return { kind, start: t.start, end: this.prevEnd, keyword: t.text, options: [], columns } as QueryOperator;
  }

  /** A column name or wildcard (`Col*`, `*Id`, `*`), written without spaces; or `['name']`. */
  private parseColumnPattern(): ColumnPattern {
    const start = this.tok.start;
    if (this.atP('[')) {
      const name = this.parseName('any', 'as a column');
      return { kind: 'ColumnPattern', start, end: name.end, pattern: name.name };
    }
    let pattern = '';
    let end = start;
    while ((this.tok.kind === 'ident' || this.tok.kind === 'long' || this.atP('*')) && (pattern === '' || this.tok.start === end)) {
      pattern += this.tok.text;
      end = this.next().end;
    }
    if (pattern === '') {
      this.errorAtToken(`expected a column name or wildcard, found ${this.describe(this.tok)}`);
    }
    return { kind: 'ColumnPattern', start, end, pattern };
  }

  private parseProjectRename(): ProjectRenameOp {
    const t = this.next();
    const items: ProjectRenameOp['items'] = [];
    if (!this.atOperatorEnd()) {
      for (;;) {
        const start = this.tok.start;
        const newName = this.parseName('declared', 'as the new column name');
        this.expectP('=', `after '${newName.name}' in project-rename`);
        const source = this.parseExpr();
        if (source.kind === 'NameRef') {
          items.push({ start, end: this.prevEnd, newName, oldName: source.name });
        } else if (source.kind !== 'Error') {
          this.error('project-rename takes an existing column name, not an expression', source.start, source.end, SHAPE_ERROR);
        }
        if (!this.eatP(',')) break;
      }
    }
    return { kind: 'ProjectRename', start: t.start, end: this.prevEnd, keyword: t.text, options: [], items };
  }

  private static readonly BY = new Set(['by']);

  private parseSummarize(): SummarizeOp {
    const t = this.next();
    const options = this.parseOptions();
    const aggregates = this.atOperatorEnd() || this.atW('by') ? [] : this.parseNamedExprList("in 'summarize'", Parser.BY);
    let by: NamedExpr[] = [];
    if (this.eatW('by')) {
      by = this.parseNamedExprList("after 'by'");
      // Legacy `bin=` clause after the by list.
      if (this.atW('bin') && this.isP(this.peek(), '=')) {
        const binStart = this.next().start;
        this.next();
        const value = this.parseUnary();
        options.push({ kind: 'Option', start: binStart, end: this.prevEnd, name: 'bin', value });
      }
    }
    return { kind: 'Summarize', start: t.start, end: this.prevEnd, keyword: t.text, options, aggregates, by };
  }

  private parseCount(): CountOp {
    const t = this.next();
    let asName: Ident | undefined;
    if (this.eatW('as')) asName = this.parseName('declared', "after 'count as'");
    return { kind: 'Count', start: t.start, end: this.prevEnd, keyword: t.text, options: [], asName };
  }

  private parseDistinct(): DistinctOp {
    const t = this.next();
    const options = this.parseOptions();
    if (this.atP('*') && (this.peek().kind === 'eof' || this.isP(this.peek(), '|') || this.isP(this.peek(), ')') || this.isP(this.peek(), ';'))) {
      this.next();
      return { kind: 'Distinct', start: t.start, end: this.prevEnd, keyword: t.text, options, star: true, items: [] };
    }
    const items: Expr[] = [];
    for (;;) {
      items.push(this.parseRequiredExpr("after 'distinct'"));
      if (!this.eatP(',')) break;
    }
    return { kind: 'Distinct', start: t.start, end: this.prevEnd, keyword: t.text, options, star: false, items };
  }

  private parseTake(): QueryOperator {
    const t = this.next();
    const options = this.parseOptions();
    const count = this.parseRequiredExpr(`after '${t.text}'`);
    return { kind: 'Take', start: t.start, end: this.prevEnd, keyword: t.text, options, count };
  }

  private parseTop(): QueryOperator {
    const t = this.next();
    const options = this.parseOptions();
    const count = this.parseRequiredExpr("after 'top'");
    this.expectW('by', "after the count of 'top'");
    const by = this.parseSortKey();
    return { kind: 'Top', start: t.start, end: this.prevEnd, keyword: t.text, options, count, by };
  }

  private parseSortKey(): SortKey {
    const start = this.tok.start;
    const expr = this.parseRequiredExpr('as a sort key');
    let direction: 'asc' | 'desc' | undefined;
    let nulls: 'first' | 'last' | undefined;
    if (this.atW('asc') || this.atW('desc')) direction = this.next().text as 'asc' | 'desc';
    if (this.eatW('nulls')) {
      if (this.atW('first') || this.atW('last')) nulls = this.next().text as 'first' | 'last';
      else this.errorAtToken(`expected 'first' or 'last' after 'nulls', found ${this.describe(this.tok)}`);
    }
    return { kind: 'SortKey', start, end: this.prevEnd, expr, direction, nulls };
  }

  private parseSort(): QueryOperator {
    const t = this.next();
    const options = this.parseOptions();
    this.expectW('by', `after '${t.text}'`);
    const keys: SortKey[] = [];
    for (;;) {
      keys.push(this.parseSortKey());
      if (!this.eatP(',')) break;
    }
    return { kind: 'Sort', start: t.start, end: this.prevEnd, keyword: t.text, options, keys };
  }

  private parseTopNested(): TopNestedOp {
    const start = this.tok.start;
    const clauses: TopNestedClause[] = [];
    for (;;) {
      const clauseStart = this.tok.start;
      if (!this.expectW('top-nested', 'to start a top-nested clause')) break;
      let count: Expr | undefined;
      if (!this.atW('of')) count = this.parseExpr();
      this.expectW('of', "in 'top-nested'");
      const of = this.parseNamedExpr("after 'of'");
      let withOthers: Expr | undefined;
      if (this.atW('with') && this.isW(this.peek(), 'others')) {
        this.next(); this.next();
        this.expectP('=', "after 'with others'");
        withOthers = this.parseExpr();
      }
      this.expectW('by', "in 'top-nested'");
      const { named: by, key } = this.parseNamedSortKey();
      clauses.push({ kind: 'TopNestedClause', start: clauseStart, end: this.prevEnd, count, of, withOthers, by, direction: key.direction });
      if (!this.eatP(',')) break;
    }
    return { kind: 'TopNested', start, end: this.prevEnd, keyword: 'top-nested', options: [], clauses };
  }

  /** `by Name = agg(x) desc`: the sort key's expression may carry a name (top-nested docs: `by Ignore0=max(1)`). */
  private parseNamedSortKey(): { named: NamedExpr; key: SortKey } {
    const start = this.tok.start;
    const names: Ident[] = [];
    const end = this.nameEndIndex(this.pos);
    if (end > 0 && this.isP(this.tokens[end], '=')) {
      names.push(this.parseName('declared', 'as a column name'));
      this.next();
    }
    const key = this.parseSortKey();
    return { named: { kind: 'NamedExpr', start, end: key.expr.end, names, expr: key.expr }, key };
  }

  private parseTopHitters(): TopHittersOp {
    const t = this.next();
    const count = this.parseRequiredExpr("after 'top-hitters'");
    this.expectW('of', "in 'top-hitters'");
    const of = this.parseExpr();
    let by: Expr | undefined;
    if (this.eatW('by')) by = this.parseExpr();
    return { kind: 'TopHitters', start: t.start, end: this.prevEnd, keyword: t.text, options: [], count, of, by };
  }

  private parseSample(): QueryOperator {
    const t = this.next();
    const options = this.parseOptions();
    const count = this.parseRequiredExpr("after 'sample'");
    return { kind: 'Sample', start: t.start, end: this.prevEnd, keyword: t.text, options, count };
  }

  private parseSampleDistinct(): QueryOperator {
    const t = this.next();
    const options = this.parseOptions();
    const count = this.parseRequiredExpr("after 'sample-distinct'");
    this.expectW('of', "in 'sample-distinct'");
    const of = this.parseExpr();
    return { kind: 'SampleDistinct', start: t.start, end: this.prevEnd, keyword: t.text, options, count, of };
  }

  private parseJoin(): JoinOp {
    const t = this.next();
    const options = this.parseOptions();
    const right = this.parseRequiredExpr("after 'join'");
    const on: Expr[] = [];
    let where: Expr | undefined;
    if (this.eatW('on')) {
      for (;;) {
        on.push(this.parseRequiredExpr("after 'on'"));
        if (!this.eatP(',')) break;
      }
    } else if (this.eatW('where')) {
      where = this.parseExpr();
    }
    const op: JoinOp = { kind: 'Join', start: t.start, end: this.prevEnd, keyword: t.text, options, right, on };
    if (where) op.where = where;
    return op;
  }

  private parseLookup(): LookupOp {
    const t = this.next();
    const options = this.parseOptions();
    const right = this.parseRequiredExpr("after 'lookup'");
    const on: Expr[] = [];
    if (this.expectW('on', "after the table of 'lookup'")) {
      for (;;) {
        on.push(this.parseExpr());
        if (!this.eatP(',')) break;
      }
    }
    return { kind: 'Lookup', start: t.start, end: this.prevEnd, keyword: t.text, options, right, on };
  }

  private parseUnion(): UnionOp {
    const t = this.next();
    const options = this.parseOptions();
    const tables: Expr[] = [];
    for (;;) {
      tables.push(this.parseEntity());
      if (!this.eatP(',')) break;
    }
    return { kind: 'Union', start: t.start, end: this.prevEnd, keyword: t.text, options, tables };
  }

  /** A table reference: `T`, `Sec*`, `*`, `(pipeline)`, `f(x)`, `database('d').T`, `table('T')`. */
  private parseEntity(): Expr {
    const t = this.tok;
    const next = this.peek();
    const wildcard = (t.kind === 'ident' && this.isP(next, '*') && next.start === t.end) || this.atP('*');
    if (wildcard) {
      const p = this.parseColumnPattern();
      return this.nameRef({ kind: 'Ident', start: p.start, end: p.end, name: p.pattern, quoted: false });
    }
    if (this.atOperatorEnd()) {
      this.errorAtToken(`expected a table, found ${this.describe(t)}`);
      return this.errorExpr(t.start);
    }
    const e = this.parsePostfix();
    // `database('x').Sec*`
    if (this.atP('.') && this.peek().kind === 'ident' && this.isP(this.peek(2), '*') && this.peek(2).start === this.peek().end) {
      this.next();
      const p = this.parseColumnPattern();
      return { kind: 'Member', start: e.start, end: p.end, target: e, member: { kind: 'Ident', start: p.start, end: p.end, name: p.pattern, quoted: false } };
    }
    return e;
  }

  private parseAs(): AsOp {
    const t = this.next();
    const options = this.parseOptions();
    const name = this.parseName('any', "after 'as'");
    return { kind: 'As', start: t.start, end: this.prevEnd, keyword: t.text, options, name };
  }

  private parseMvExpandItems(context: string): MvExpandItem[] {
    const items: MvExpandItem[] = [];
    for (;;) {
      const start = this.tok.start;
      const item = this.parseNamedExpr(context);
      let toType: ScalarTypeRef | undefined;
      if (this.atW('to') && this.isW(this.peek(), 'typeof')) {
        this.next(); this.next();
        this.expectP('(', "after 'typeof'");
        toType = this.parseScalarType();
        this.expectP(')', 'to close typeof');
      }
      items.push({ kind: 'MvExpandItem', start, end: this.prevEnd, item, toType });
      if (!this.eatP(',')) break;
    }
    return items;
  }

  private parseMvExpand(): MvExpandOp {
    const t = this.next();
    const options = this.parseOptions();
    const items = this.parseMvExpandItems(`after '${t.text}'`);
    let limit: Expr | undefined;
    if (this.eatW('limit')) limit = this.parseExpr();
    return { kind: 'MvExpand', start: t.start, end: this.prevEnd, keyword: t.text, options, items, limit };
  }

  private parseMvApply(): MvApplyOp {
    const t = this.next();
    const options = this.parseOptions();
    const items = this.parseMvExpandItems(`after '${t.text}'`);
    let limit: Expr | undefined;
    if (this.eatW('limit')) limit = this.parseExpr();
    let subquery: Expr = this.errorExpr(this.tok.start);
    if (this.expectW('on', `in '${t.text}'`) && this.expectP('(', "after 'on'")) {
      subquery = this.parseSubqueryBody();
      this.expectP(')', `to close the '${t.text}' subquery`);
    }
    return { kind: 'MvApply', start: t.start, end: this.prevEnd, keyword: t.text, options, items, limit, subquery };
  }

  /** Inside `( ... )` of an operator with an implicit input: an operator chain. */
  private parseSubqueryBody(): Expr {
    if (this.tok.kind === 'ident') return this.parseOperatorChain();
    this.errorAtToken(`expected a query operator, found ${this.describe(this.tok)}`);
    this.skipToSync(false);
    return this.errorExpr(this.tok.start);
  }

  private parseParse(): ParseOp {
    const t = this.next();
    const options = this.parseOptions(new Set(['flags']));
    const flagsOption = options.find((o) => o.name === 'flags');
    const source = this.parseRequiredExpr(`after '${t.text}'`);
    const pattern: ParsePatternElement[] = [];
    if (this.expectW('with', `after the source expression of '${t.text}'`)) {
      while (!this.atOperatorEnd()) {
        const s = this.tok;
        if (s.kind === 'string') {
          let literal = '';
          while (this.tok.kind === 'string') literal += this.next().value ?? '';
          pattern.push({ kind: 'ParsePatternElement', start: s.start, end: this.prevEnd, literal });
        } else if (this.atP('*')) {
          this.next();
          pattern.push({ kind: 'ParsePatternElement', start: s.start, end: s.end, star: true });
        } else if (this.atName()) {
          const column = this.parseName('declared', 'in a parse pattern');
          let type: ScalarTypeRef | undefined;
          if (this.eatP(':')) type = this.parseScalarType();
          pattern.push({ kind: 'ParsePatternElement', start: s.start, end: this.prevEnd, column, type });
        } else {
          this.errorAtToken(`unexpected ${this.describe(s)} in parse pattern: expected a string, a column name or '*'`);
          this.skipToSync();
          break;
        }
      }
    }
    const op: ParseOp = { kind: 'Parse', start: t.start, end: this.prevEnd, keyword: t.text, options, where: t.text === 'parse-where', source, pattern };
    if (flagsOption && flagsOption.value.kind === 'NameRef') op.flags = flagsOption.value.name.name;
    return op;
  }

  private parseParseKv(): ParseKvOp {
    const t = this.next();
    const source = this.parseRequiredExpr("after 'parse-kv'");
    let columns: ColumnDecl[] = [];
    if (this.expectW('as', "after the source expression of 'parse-kv'")) {
      columns = this.parseColumnDeclList("after 'as'");
    }
    const withProps = this.atW('with') ? this.parseWithProperties() : [];
    return { kind: 'ParseKv', start: t.start, end: this.prevEnd, keyword: t.text, options: [], source, columns, withProps };
  }

  /** `with (name = value, ...)`. */
  private parseWithProperties(): OperatorOption[] {
    this.next();
    const props: OperatorOption[] = [];
    if (!this.expectP('(', "after 'with'")) return props;
    while (!this.atP(')') && !this.atEof()) {
      const start = this.tok.start;
      const name = this.parseName('any', 'as a property name');
      this.expectP('=', `after property '${name.name}'`);
      const value = this.parseOptionValue(name.name);
      props.push({ kind: 'Option', start, end: this.prevEnd, name: name.name, value });
      // Name lists such as `ycolumns=a, b`: each further name becomes another value of the property.
      for (;;) {
        if (!this.atP(',')) break;
        const nameEnd = this.nameEndIndex(this.pos + 1);
        if (nameEnd < 0 || this.isP(this.tokens[nameEnd], '=')) break;
        this.next();
        const more = this.parseName('any', 'in a name list');
        props.push({ kind: 'Option', start: more.start, end: more.end, name: name.name, value: this.nameRef(more) });
      }
      if (!this.eatP(',')) break;
    }
    this.expectP(')', "to close 'with' properties");
    return props;
  }

  private parseMakeSeries(): MakeSeriesOp {
    const t = this.next();
    const options = this.parseOptions();
    const aggregates: MakeSeriesAggregate[] = [];
    for (;;) {
      const start = this.tok.start;
      const item = this.parseNamedExpr("in 'make-series'");
      let defaultValue: Expr | undefined;
      if (this.atW('default') && this.isP(this.peek(), '=')) {
        this.next(); this.next();
        defaultValue = this.parseExpr();
      }
      aggregates.push({ kind: 'MakeSeriesAggregate', start, end: this.prevEnd, item, defaultValue });
      if (!this.eatP(',')) break;
    }
    const op: MakeSeriesOp = { kind: 'MakeSeries', start: t.start, end: t.end, keyword: t.text, options, aggregates, on: this.errorExpr(this.tok.start), by: [] };
    if (this.expectW('on', "in 'make-series'")) op.on = this.parseExpr();
    if (this.atW('in') && this.isW(this.peek(), 'range')) {
      this.next(); this.next();
      this.expectP('(', "after 'in range'");
      const rangeStart = this.parseExpr();
      this.expectP(',', "in 'range(start, stop, step)'");
      const stop = this.parseExpr();
      this.expectP(',', "in 'range(start, stop, step)'");
      const step = this.parseExpr();
      this.expectP(')', "to close 'range(...)'");
      op.inRange = { start: rangeStart, stop, step };
    } else {
      if (this.eatW('from')) op.from = this.parseExpr();
      if (this.eatW('to')) op.to = this.parseExpr();
      if (this.expectW('step', "in 'make-series'")) op.step = this.parseExpr();
    }
    if (this.eatW('by')) op.by = this.parseNamedExprList("after 'by'");
    op.end = this.prevEnd;
    return op;
  }

  private static readonly LEGACY_RENDER_PROPERTIES = new Set(['title', 'kind', 'accumulate', 'xcolumn', 'ycolumns', 'series', 'xtitle', 'ytitle', 'xaxis', 'yaxis', 'legend', 'ysplit', 'ymin', 'ymax', 'xmin', 'xmax', 'anomalycolumns']);

  private parseRender(): RenderOp {
    const t = this.next();
    const chartType = this.parseName('any', "after 'render'");
    let withProps: OperatorOption[] = [];
    if (this.atW('with') && this.isP(this.peek(), '(')) {
      withProps = this.parseWithProperties();
    } else {
      while (this.tok.kind === 'ident' && Parser.LEGACY_RENDER_PROPERTIES.has(this.tok.text) && this.isP(this.peek(), '=')) {
        const start = this.tok.start;
        const name = this.next().text;
        this.next();
        const value = this.parseOptionValue(name);
        withProps.push({ kind: 'Option', start, end: this.prevEnd, name, value });
      }
    }
    return { kind: 'Render', start: t.start, end: this.prevEnd, keyword: t.text, options: [], chartType, withProps };
  }

  private parseEvaluate(): EvaluateOp {
    const t = this.next();
    const options = this.parseOptions();
    const plugin = this.parseCallOnly("after 'evaluate'");
    const op: EvaluateOp = { kind: 'Evaluate', start: t.start, end: t.end, keyword: t.text, options, plugin };
    if (this.eatP(':')) {
      // `: (*, Name:string)` keeps every input column besides the declared ones (bag_unpack docs).
      if (this.atP('(') && this.isP(this.peek(1), '*')) {
        this.next();
        this.next();
        op.outputSchemaWildcard = true;
        const rest: ColumnDecl[] = [];
        if (this.eatP(',')) {
          while (!this.atP(')') && !this.atEof()) {
            const before = this.pos;
            rest.push(this.parseColumnDecl());
            if (!this.eatP(',')) break;
            if (this.pos === before) break;
          }
        }
        this.expectP(')', 'to close the column list');
        op.outputSchema = rest;
      } else {
        op.outputSchema = this.parseColumnDeclList("after ':' in 'evaluate'");
      }
    }
    op.end = this.prevEnd;
    return op;
  }

  /** A call expression, possibly dotted (`ns.f(x)`); anything else is an error. */
  private parseCallOnly(context: string): EvaluateOp['plugin'] {
    const start = this.tok.start;
    const e = this.parsePostfix();
    if (e.kind === 'Call') return e;
    this.error(`expected a function call ${context}`, start, Math.max(start, e.end));
    return { kind: 'Call', start, end: e.end, name: { kind: 'Ident', start, end: start, name: '', quoted: false }, args: [] };
  }

  private parseInvoke(): InvokeOp {
    const t = this.next();
    const call = this.parseCallOnly("after 'invoke'");
    return { kind: 'Invoke', start: t.start, end: this.prevEnd, keyword: t.text, options: [], call };
  }

  private parseFacet(): FacetOp {
    const t = this.next();
    const columns: Ident[] = [];
    if (this.expectW('by', "after 'facet'")) {
      for (;;) {
        columns.push(this.parseName('reference', "in 'facet by'"));
        if (!this.eatP(',')) break;
      }
    }
    let withOp: Expr | undefined;
    if (this.eatW('with')) {
      if (this.eatP('(')) {
        withOp = this.parseSubqueryBody();
        this.expectP(')', "to close the 'facet' subquery");
      } else {
        const op = this.parseOperator();
        withOp = { kind: 'SourceOperator', start: op.start, end: op.end, op };
      }
    }
    return { kind: 'Facet', start: t.start, end: this.prevEnd, keyword: t.text, options: [], columns, withOp };
  }

  private parseFork(): ForkOp {
    const t = this.next();
    const branches: ForkOp['branches'] = [];
    for (;;) {
      const start = this.tok.start;
      let name: Ident | undefined;
      const nameEnd = this.nameEndIndex(this.pos);
      if (nameEnd > 0 && this.isP(this.tokens[nameEnd], '=')) {
        name = this.parseName('any', 'as a fork branch name');
        this.next();
      } else if (!this.atP('(')) {
        break;
      }
      if (!this.expectP('(', "to start a 'fork' branch")) break;
      const query = this.parseSubqueryBody();
      this.expectP(')', "to close a 'fork' branch");
      branches.push({ start, end: this.prevEnd, name, query });
    }
    if (branches.length === 0) this.errorAtToken(`expected '(' to start a 'fork' branch, found ${this.describe(this.tok)}`);
    return { kind: 'Fork', start: t.start, end: this.prevEnd, keyword: t.text, options: [], branches };
  }

  private parsePartition(): PartitionOp {
    const t = this.next();
    const options = this.parseOptions();
    this.expectW('by', "after 'partition'");
    const by = this.parseName('reference', "after 'partition by'");
    let subquery: Expr = this.errorExpr(this.tok.start);
    if (this.eatP('(')) {
      subquery = this.parseSubqueryBody();
      this.expectP(')', "to close the 'partition' subquery");
    } else if (this.eatP('{')) {
      subquery = this.parsePipeExpr();
      this.expectP('}', "to close the 'partition' subquery");
    } else {
      this.errorAtToken(`expected '(' or '{' to start the 'partition' subquery, found ${this.describe(this.tok)}`);
    }
    return { kind: 'Partition', start: t.start, end: this.prevEnd, keyword: t.text, options, by, subquery };
  }

  private parseScan(): ScanOp {
    const t = this.next();
    const options = this.parseOptions();
    const op: ScanOp = { kind: 'Scan', start: t.start, end: t.end, keyword: t.text, options, declare: [], declareDefaults: [], steps: [] };
    if (this.atW('order') && this.isW(this.peek(), 'by')) {
      this.next(); this.next();
      op.orderBy = [];
      for (;;) {
        op.orderBy.push(this.parseSortKey());
        if (!this.eatP(',')) break;
      }
    }
    if (this.atW('partition') && this.isW(this.peek(), 'by')) {
      this.next(); this.next();
      op.partitionBy = [];
      for (;;) {
        op.partitionBy.push(this.parseExpr());
        if (!this.eatP(',')) break;
      }
    }
    if (this.eatW('declare')) {
      if (this.expectP('(', "after 'declare'")) {
        while (!this.atP(')') && !this.atEof()) {
          const p = this.parseParam(false);
          op.declare.push({ kind: 'ColumnDecl', start: p.start, end: p.type.end, name: p.name, type: p.type as ScalarTypeRef });
          op.declareDefaults.push(p.defaultValue);
          if (!this.eatP(',')) break;
        }
        this.expectP(')', "to close 'declare'");
      }
    }
    if (this.expectW('with', "in 'scan'") && this.expectP('(', "after 'with'")) {
      while (this.atW('step')) {
        op.steps.push(this.parseScanStep());
      }
      if (op.steps.length === 0) this.errorAtToken(`expected 'step' in 'scan', found ${this.describe(this.tok)}`);
      this.expectP(')', "to close the 'scan' steps");
    }
    op.end = this.prevEnd;
    return op;
  }

  private parseScanStep(): ScanStep {
    const start = this.next().start;
    const name = this.parseName('declared', "after 'step'");
    const optional = !!this.eatW('optional');
    let output: ScanStep['output'];
    if (this.atW('output') && this.isP(this.peek(), '=')) {
      this.next(); this.next();
      if (this.atW('all') || this.atW('last') || this.atW('none')) output = this.next().text as ScanStep['output'];
      else this.errorAtToken(`expected all, last or none after 'output=' in scan step '${name.name}', found ${this.describe(this.tok)}`);
    }
    this.expectP(':', `after step '${name.name}'`);
    const condition = this.parseExpr();
    const assignments: NamedExpr[] = [];
    if (this.eatP('=>')) {
      for (;;) {
        assignments.push(this.parseNamedExpr('in a scan step assignment'));
        if (!this.eatP(',')) break;
      }
    }
    if (!this.eatP(';')) {
      this.errorAtToken(`expected ';' after scan step '${name.name}', found ${this.describe(this.tok)}`);
      this.skipToSync(false);
      this.eatP(';');
    }
    return { kind: 'ScanStep', start, end: this.prevEnd, name, optional, ...(output ? { output } : {}), condition, assignments };
  }

  /** `in (T1, T2)` for search and find. */
  private parseInTables(): Expr[] {
    const tables: Expr[] = [];
    if (this.atW('in') && this.isP(this.peek(), '(')) {
      this.next(); this.next();
      while (!this.atP(')') && !this.atEof()) {
        tables.push(this.parseEntity());
        if (!this.eatP(',')) break;
      }
      this.expectP(')', 'to close the table list');
    }
    return tables;
  }

  private parseSearchPredicate(context: string): Expr {
    const saved = this.colonIsHas;
    this.colonIsHas = true;
    const predicate = this.parseRequiredExpr(context);
    this.colonIsHas = saved;
    return predicate;
  }

  private parseSearch(): SearchOp {
    const t = this.next();
    const options = this.parseOptions();
    const tables = this.parseInTables();
    const predicate = this.parseSearchPredicate("after 'search'");
    return { kind: 'Search', start: t.start, end: this.prevEnd, keyword: t.text, options, tables, predicate };
  }

  private parseFind(): FindOp {
    const t = this.next();
    const options = this.parseOptions();
    const tables = this.parseInTables();
    if (tables.length > 0 || options.length > 0) this.expectW('where', "in 'find'");
    else this.eatW('where');
    const predicate = this.parseSearchPredicate("in 'find'");
    const op: FindOp = { kind: 'Find', start: t.start, end: t.end, keyword: t.text, options, tables, predicate };
    if (this.atW('project-smart')) {
      this.next();
      op.project = { mode: 'project-smart', items: [] };
    } else if (this.atW('project') || this.atW('project-away')) {
      const mode = this.next().text;
      const items: Expr[] = [];
      for (;;) {
        if (this.atP('*')) { const s = this.next(); items.push({ kind: 'Star', start: s.start, end: s.end }); }
        else items.push(this.parseFindColumn());
        if (!this.eatP(',')) break;
      }
      op.project = { mode, items };
    }
    op.end = this.prevEnd;
    return op;
  }

  /** `Col`, `Col:type` or `pack_all()` in a find projection. */
  private parseFindColumn(): Expr {
    const e = this.parsePostfix();
    if (this.eatP(':')) {
      const type = this.parseScalarType();
      return { kind: 'NamedArg', start: e.start, end: type.end, name: e.kind === 'NameRef' ? e.name : { kind: 'Ident', start: e.start, end: e.end, name: '', quoted: false }, value: { kind: 'TypeOf', start: type.start, end: type.end, type } };
    }
    return e;
  }

  private parseRange(): RangeOp {
    const t = this.next();
    const column = this.parseName('declared', "after 'range'");
    this.expectW('from', "in 'range'");
    const from = this.parseExpr();
    this.expectW('to', "in 'range'");
    const to = this.parseExpr();
    this.expectW('step', "in 'range'");
    const step = this.parseExpr();
    return { kind: 'Range', start: t.start, end: this.prevEnd, keyword: t.text, options: [], column, from, to, step };
  }

  private parseDatatable(): DatatableOp {
    const t = this.next();
    const options = this.parseOptions();
    const columns = this.parseColumnDeclList("after 'datatable'");
    const values: Expr[] = [];
    if (this.expectP('[', 'to start the datatable values')) {
      while (!this.atP(']') && !this.atEof()) {
        const before = this.pos;
        values.push(this.parseExpr());
        if (!this.eatP(',')) break;
        if (this.pos === before) break;
      }
      this.expectP(']', 'to close the datatable values');
    }
    return { kind: 'Datatable', start: t.start, end: this.prevEnd, keyword: t.text, options, columns, values };
  }

  private parseExternalData(): ExternalDataOp {
    const t = this.next();
    const options = this.parseOptions();
    const columns = this.parseColumnDeclList(`after '${t.text}'`);
    const uris: Expr[] = [];
    if (this.expectP('[', 'to start the list of URIs')) {
      while (!this.atP(']') && !this.atEof()) {
        uris.push(this.parseExpr());
        if (!this.eatP(',')) break;
      }
      this.expectP(']', 'to close the list of URIs');
    }
    const withProps = this.atW('with') && this.isP(this.peek(), '(') ? this.parseWithProperties() : [];
    return { kind: 'ExternalData', start: t.start, end: this.prevEnd, keyword: t.text, options, columns, uris, withProps };
  }

  private parseReduce(): ReduceOp {
    const t = this.next();
    const options = this.parseOptions();
    this.expectW('by', "after 'reduce'");
    const by = this.parseExpr();
    const withProps: OperatorOption[] = [];
    if (this.eatW('with')) {
      for (;;) {
        const start = this.tok.start;
        const name = this.parseName('any', "in 'reduce ... with'");
        this.expectP('=', `after '${name.name}'`);
        const value = this.parseOptionValue(name.name);
        withProps.push({ kind: 'Option', start, end: this.prevEnd, name: name.name, value });
        if (!this.eatP(',')) break;
      }
    }
    return { kind: 'Reduce', start: t.start, end: this.prevEnd, keyword: t.text, options, by, withProps };
  }

  // ───────────────────────────── scalar expressions ─────────────────────────────
  //
  // Precedence, loosest first, as Microsoft's parser implements it:
  //   or < and < (== != <> in !in in~ !in~ has_any has_all between !between)
  //      < (< <= > >=) < (+ -) < (* / %) < string operators (has, contains, =~, ...)
  //      < unary (+ -) < postfix (.name [index] (args))
  // Equality, relational and string operators do not chain: `a == b == c` is an error.

  parseExpr(): Expr {
    if (this.nesting >= MAX_NESTING) return this.tooDeep();
    this.nesting++;
    try {
      return this.parseOr();
    } finally {
      this.nesting--;
    }
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.atW('or')) {
      this.next();
      const right = this.parseAnd();
      left = { kind: 'Binary', start: left.start, end: right.end, op: 'or', left, right };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseEquality();
    while (this.atW('and')) {
      this.next();
      const right = this.parseEquality();
      left = { kind: 'Binary', start: left.start, end: right.end, op: 'and', left, right };
    }
    return left;
  }

  private parseEquality(): Expr {
    const left = this.parseRelational();
    const t = this.tok;
    if (t.kind === 'punct' && (t.text === '==' || t.text === '!=' || t.text === '<>')) {
      this.next();
      const right = this.parseRelational();
      return { kind: 'Binary', start: left.start, end: right.end, op: t.text, left, right };
    }
    // `make-series ... on T in range(a, b, c)`: that `in` belongs to the operator.
    if ((t.kind === 'punct' || t.kind === 'ident') && LIST_OPERATORS.has(t.text) && !(t.text === 'in' && this.isW(this.peek(), 'range'))) {
      this.next();
      return this.parseInList(left, t.text as InExpr['op']);
    }
    if ((t.kind === 'ident' && t.text === 'between') || this.isP(t, '!between')) {
      this.next();
      return this.parseBetween(left, t.text !== 'between');
    }
    return left;
  }

  private parseInList(expr: Expr, op: InExpr['op']): Expr {
    const list: Expr[] = [];
    if (this.expectP('(', `after '${op}'`)) {
      if (!this.atP(')')) {
        for (;;) {
          list.push(this.parsePipeExpr());
          if (!this.eatP(',')) break;
        }
      }
      this.expectP(')', `to close the '${op}' list`);
    }
    return { kind: 'In', start: expr.start, end: this.prevEnd, op, expr, list };
  }

  private parseBetween(expr: Expr, negated: boolean): Expr {
    let low: Expr = this.errorExpr(this.tok.start);
    let high: Expr = low;
    if (this.expectP('(', `after '${negated ? '!between' : 'between'}'`)) {
      low = this.parseExpr();
      this.expectP('..', "between the bounds of 'between'");
      high = this.parseExpr();
      this.expectP(')', "to close 'between'");
    }
    return { kind: 'Between', start: expr.start, end: this.prevEnd, negated, expr, low, high };
  }

  private parseRelational(): Expr {
    const left = this.parseAdditive();
    const t = this.tok;
    if (t.kind === 'punct' && (t.text === '<' || t.text === '<=' || t.text === '>' || t.text === '>=')) {
      this.next();
      const right = this.parseAdditive();
      return { kind: 'Binary', start: left.start, end: right.end, op: t.text, left, right };
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.atP('+') || this.atP('-')) {
      const op = this.next().text;
      const right = this.parseMultiplicative();
      left = { kind: 'Binary', start: left.start, end: right.end, op, left, right };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseStringOp();
    while (this.atP('*') || this.atP('/') || this.atP('%')) {
      const op = this.next().text;
      const right = this.parseStringOp();
      left = { kind: 'Binary', start: left.start, end: right.end, op, left, right };
    }
    return left;
  }

  private parseStringOp(): Expr {
    const left = this.parseUnary();
    const t = this.tok;
    const isStringOp = (t.kind === 'punct' || t.kind === 'ident') && STRING_OPERATORS.has(t.text);
    if (isStringOp || this.isP(t, 'matches regex') || (this.colonIsHas && this.isP(t, ':'))) {
      this.next();
      const right = this.parseUnary();
      const op = t.text === ':' ? 'has' : t.text;
      return { kind: 'Binary', start: left.start, end: right.end, op, left, right };
    }
    return left;
  }

  private parseUnary(): Expr {
    const t = this.tok;
    if (this.atP('-') || this.atP('+')) {
      if (this.nesting >= MAX_NESTING) return this.tooDeep();
      this.next();
      this.nesting++;
      const operand = this.parseUnary();
      this.nesting--;
      // A signed number is one literal, as ADX treats it (datatable rows, `split(x)[-1]`).
      if (operand.kind === 'Literal' && operand.start === t.end && (operand.type === 'long' || operand.type === 'real' || operand.type === 'timespan') && operand.value !== null) {
        const v = operand.value;
        const value = t.text === '+' ? v : typeof v === 'bigint' ? -v : -(v as number);
        return { kind: 'Literal', start: t.start, end: operand.end, type: operand.type, value, text: t.text + operand.text };
      }
      return { kind: 'Unary', start: t.start, end: operand.end, op: t.text as '-' | '+', operand };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.atP('.')) {
        const after = this.peek();
        if (this.isP(after, '[') && this.peek(2).kind !== 'string') {
          // legacy `a.[expr]` element access
          this.next(); this.next();
          const index = this.parseExpr();
          this.expectP(']', "to close '['");
          expr = { kind: 'Index', start: expr.start, end: this.prevEnd, target: expr, index };
          continue;
        }
        if (after.kind !== 'ident' && !(this.isP(after, '[') && this.peek(2).kind === 'string') && after.kind !== 'typed') {
          this.next();
          this.errorAtToken(`expected a name after '.', found ${this.describe(this.tok)}`);
          return expr;
        }
        this.next();
        if (this.tok.kind === 'typed') {
          // `x.date(...)`-like: the lexer glued a keyword and its parentheses; split them back.
          expr = this.splitTypedMember(expr);
          continue;
        }
        const member = this.parseName('any', "after '.'");
        if (this.atP('(')) {
          const args = this.parseArgs();
          expr = { kind: 'Call', start: expr.start, end: this.prevEnd, name: member, target: expr, args };
        } else {
          expr = { kind: 'Member', start: expr.start, end: member.end, target: expr, member };
        }
        continue;
      }
      if (this.atP('[')) {
        this.next();
        const index = this.parseExpr();
        this.expectP(']', "to close '['");
        expr = { kind: 'Index', start: expr.start, end: this.prevEnd, target: expr, index };
        continue;
      }
      return expr;
    }
  }

  /** Member access on a name the lexer took for a typed literal, e.g. `x.time(1)`: treated as a call. */
  private splitTypedMember(target: Expr): Expr {
    const t = this.next();
    const nameEnd = t.start + (t.detail ?? '').length;
    const name: Ident = { kind: 'Ident', start: t.start, end: nameEnd, name: t.text.slice(0, nameEnd - t.start), quoted: false };
    this.error(`'${name.name}' is a type keyword; write ['${name.name}'] to use it as a name`, t.start, t.end);
    return { kind: 'Member', start: target.start, end: t.end, target, member: name };
  }

  private parseArgs(): Expr[] {
    const args: Expr[] = [];
    this.next(); // (
    if (!this.atP(')')) {
      for (;;) {
        args.push(this.parseArg());
        if (!this.eatP(',')) break;
      }
    }
    this.expectP(')', 'to close the argument list');
    return args;
  }

  private parseArg(): Expr {
    const t = this.tok;
    if (this.atP('*') && (this.isP(this.peek(), ',') || this.isP(this.peek(), ')'))) {
      this.next();
      return { kind: 'Star', start: t.start, end: t.end };
    }
    const nameEnd = this.nameEndIndex(this.pos);
    if (nameEnd > 0 && this.isP(this.tokens[nameEnd], '=')) {
      const name = this.parseName('any', 'as an argument name');
      this.next();
      const value = this.parsePipeExpr();
      return { kind: 'NamedArg', start: t.start, end: this.prevEnd, name, value };
    }
    return this.parsePipeExpr();
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'long': case 'real': case 'timespan':
        this.next();
        return this.numberLiteral(t);
      case 'string':
        return this.stringLiteral();
      case 'typed':
        this.next();
        if (t.detail && TYPED_LITERAL_WORDS[t.detail] === 'datetime' && /^\s*(now)?\s*$/.test(t.value ?? '')) {
          // `datetime()` and `datetime(now)` mean the query's start time, exactly what now() returns.
          return { kind: 'Call', start: t.start, end: t.end, name: { kind: 'Ident', start: t.start, end: t.end, name: 'now', quoted: false }, args: [] };
        }
        return this.typedLiteral(t);
      case 'ident':
        return this.parseWordPrimary();
      case 'punct':
        if (t.text === '(') {
          this.next();
          const inner = this.parsePipeExpr();
          this.expectP(')', "to close '('");
          return { kind: 'Paren', start: t.start, end: this.prevEnd, expr: inner };
        }
        if (t.text === '*') {
          this.next();
          return { kind: 'Star', start: t.start, end: t.end };
        }
        if (t.text === '[' && this.peek().kind === 'string') {
          const name = this.parseName('any', '');
          const ref = this.nameRef(name);
          return this.atP('(') ? { kind: 'Call', start: name.start, end: (this.parseArgs(), this.prevEnd), name, args: [] } : ref;
        }
        break;
    }
    this.errorAtToken(`expected an expression, found ${this.describe(t)}`);
    return this.errorExpr(t.start);
  }

  private parseWordPrimary(): Expr {
    const t = this.tok;
    const word = t.text;
    const next = this.peek();
    const called = this.isP(next, '(');
    if (BOOLEAN_WORDS[word] !== undefined) {
      this.next();
      return { kind: 'Literal', start: t.start, end: t.end, type: 'bool', value: BOOLEAN_WORDS[word], text: word };
    }
    if (word === 'dynamic' && called) return this.parseDynamicLiteral();
    if (word === 'typeof' && called) return this.parseTypeOf();
    if ((word === 'datatable' || word === 'externaldata' || word === 'external_data') ) {
      const op = this.parseOperator();
      return { kind: 'SourceOperator', start: op.start, end: op.end, op };
    }
    if (RESERVED_REFERENCE_NAMES.has(word) && !(called && CALLABLE_RESERVED.has(word))) {
      this.errorAtToken(`the name '${word}' needs to be bracketed as ['${word}'] to be used here`);
      this.next();
      return this.errorExpr(t.start);
    }
    this.next();
    const name: Ident = { kind: 'Ident', start: t.start, end: t.end, name: word, quoted: false };
    if (called) {
      const args = this.parseArgs();
      return { kind: 'Call', start: t.start, end: this.prevEnd, name, args };
    }
    return this.nameRef(name);
  }

  private parseTypeOf(): Expr {
    const start = this.next().start;
    this.next(); // (
    let type: TypeRef;
    const first = this.tok;
    if ((first.kind === 'ident' && typeFromName(first.text) && this.isP(this.peek(), ')'))) {
      type = this.parseScalarType();
    } else {
      const columns: ColumnDecl[] = [];
      let open = false;
      const typeStart = this.tok.start;
      while (!this.atP(')') && !this.atEof()) {
        if (this.eatP('*')) open = true;
        else columns.push(this.parseColumnDecl());
        if (!this.eatP(',')) break;
      }
      type = { kind: 'TabularTypeRef', start: typeStart, end: this.prevEnd, columns, open };
    }
    this.expectP(')', "to close 'typeof'");
    return { kind: 'TypeOf', start, end: this.prevEnd, type };
  }

  // ───────────────────────────── literals ─────────────────────────────

  private numberLiteral(t: Token): Literal {
    if (t.kind === 'timespan') {
      const ticks = parseTimespanLiteral(t.text);
      if (ticks === null) this.error(`invalid timespan literal '${t.text}'`, t.start, t.end, LITERAL_ERROR);
      return { kind: 'Literal', start: t.start, end: t.end, type: 'timespan', value: ticks, text: t.text };
    }
    if (t.kind === 'real') {
      return { kind: 'Literal', start: t.start, end: t.end, type: 'real', value: Number(t.text), text: t.text };
    }
    const big = /^0[xX]/.test(t.text) ? BigInt.asIntN(64, BigInt(t.text)) : BigInt(t.text);
    return { kind: 'Literal', start: t.start, end: t.end, type: 'long', value: this.integerValue(big.toString(), t), text: t.text };
  }

  private integerValue(text: string, at: { start: number; end: number }): number | null {
    const big = BigInt(text);
    if (big > MAX_EXACT || big < -MAX_EXACT) {
      this.error(`not supported: integer literal ${text} beyond ±2^53 (kqlhunt holds long values as doubles)`, at.start, at.end, 'NotSupported');
      return null;
    }
    return Number(big);
  }

  private stringLiteral(): Literal {
    const first = this.tok;
    let value = '';
    while (this.tok.kind === 'string') value += this.next().value ?? '';
    return { kind: 'Literal', start: first.start, end: this.prevEnd, type: 'string', value, text: this.text.slice(first.start, this.prevEnd) };
  }

  private typedLiteral(t: Token): Literal {
    const type = TYPED_LITERAL_WORDS[t.detail ?? ''] as ScalarType;
    const raw = (t.value ?? '').trim();
    const literal = (value: Scalar): Literal => ({ kind: 'Literal', start: t.start, end: t.end, type, value, text: t.text });
    const invalid = (): Literal => {
      this.error(`invalid ${type} literal '${t.text}'`, t.start, t.end, LITERAL_ERROR);
      return literal(null);
    };
    if (isNullLiteral(raw)) return literal(null);
    switch (type) {
      case 'datetime': {
        const v = parseDatetimeLiteral(raw);
        if (v === null && /^["']?\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm])?\s*["']?$/.test(raw)) {
          // ADX reads a bare time of day as that time today: it depends on when the query runs.
          this.error(`not supported: datetime literal without a date '${t.text}' (use startofday(now()) + time)`, t.start, t.end, 'NotSupported');
          return literal(null);
        }
        return v === null ? invalid() : literal(v);
      }
      case 'timespan': {
        const v = parseTimespanLiteral(raw);
        return v === null ? invalid() : literal(v);
      }
      case 'guid': {
        const v = parseGuidLiteral(raw);
        return v === null ? invalid() : literal(v);
      }
      case 'int': case 'long': {
        if (!/^[+-]?(\d+|0[xX][0-9a-fA-F]+)$/.test(raw)) return invalid();
        const negative = raw.startsWith('-');
        const digits = raw.replace(/^[+-]/, '');
        let big = BigInt(digits) * (negative ? -1n : 1n);
        // Hex spells the two's-complement bits, as .NET parses it: int(0xffffffff) is -1.
        if (/^0[xX]/.test(digits)) big = BigInt.asIntN(type === 'int' ? 32 : 64, big);
        if (type === 'int' && (big > 2147483647n || big < -2147483648n)) return invalid();
        return literal(this.integerValue(big.toString(), t));
      }
      case 'real': case 'decimal': {
        const lower = raw.toLowerCase();
        if (type === 'real' && (lower === 'nan')) return literal(NaN);
        if (type === 'real' && (lower === '+inf' || lower === 'inf')) return literal(Infinity);
        if (type === 'real' && lower === '-inf') return literal(-Infinity);
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return invalid();
        return literal(Number(raw));
      }
      case 'bool': {
        const lower = raw.toLowerCase();
        if (lower === 'true' || lower === '1') return literal(true);
        if (lower === 'false' || lower === '0') return literal(false);
        return invalid();
      }
    }
    return invalid();
  }

  private parseDynamicLiteral(): Expr {
    const start = this.next().start;
    this.next(); // (
    const diagnosticsBefore = this.diagnostics.length;
    const value = this.atP(')') ? null : this.parseJsonValue();
    this.expectP(')', "to close 'dynamic('");
    const end = this.prevEnd;
    if (this.diagnostics.length > diagnosticsBefore) {
      return { kind: 'Literal', start, end, type: 'dynamic', value: null, text: this.text.slice(start, end) };
    }
    return { kind: 'Literal', start, end, type: 'dynamic', value, text: this.text.slice(start, end) };
  }

  private parseJsonValue(): DynamicValue {
    if (this.nesting >= MAX_NESTING) {
      this.tooDeep();
      return null;
    }
    this.nesting++;
    try {
      return this.parseJsonValueInner();
    } finally {
      this.nesting--;
    }
  }

  private parseJsonValueInner(): DynamicValue {
    const t = this.tok;
    if (this.atP('{')) {
      this.next();
      const obj: { [key: string]: DynamicValue } = {};
      while (!this.atP('}') && !this.atEof()) {
        const key = this.tok;
        if (key.kind !== 'string') {
          this.errorAtToken(`expected a quoted property name in dynamic literal, found ${this.describe(key)}`);
          this.skipToSync(false);
          break;
        }
        let name = '';
        while (this.tok.kind === 'string') name += this.next().value ?? '';
        this.expectP(':', 'after a property name in dynamic literal');
        obj[name] = this.parseJsonValue();
        if (!this.eatP(',')) break;
      }
      this.expectP('}', "to close '{' in dynamic literal");
      return obj;
    }
    if (this.atP('[')) {
      this.next();
      const arr: DynamicValue[] = [];
      while (!this.atP(']') && !this.atEof()) {
        const before = this.pos;
        arr.push(this.parseJsonValue());
        if (!this.eatP(',')) break;
        if (this.pos === before) break;
      }
      this.expectP(']', "to close '[' in dynamic literal");
      return arr;
    }
    if (t.kind === 'string') {
      let value = '';
      while (this.tok.kind === 'string') value += this.next().value ?? '';
      return value;
    }
    if (t.kind === 'ident') {
      if (t.text === 'null') { this.next(); return null; }
      if (BOOLEAN_WORDS[t.text] !== undefined) { this.next(); return BOOLEAN_WORDS[t.text]; }
      if (t.text === 'dynamic' && this.isP(this.peek(), '(')) {
        const inner = this.parseDynamicLiteral();
        return inner.kind === 'Literal' ? (inner.value as DynamicValue) : null;
      }
    }
    if (this.atP('-') || this.atP('+') || t.kind === 'long' || t.kind === 'real' || t.kind === 'timespan' || t.kind === 'typed') {
      const e = this.parseUnary();
      if (e.kind === 'Literal') return dynamicFromScalar(e.type, e.value);
      this.error('expected a constant in dynamic literal', e.start, e.end);
      return null;
    }
    this.errorAtToken(`expected a value in dynamic literal, found ${this.describe(t)}`);
    if (!this.atPipelineEnd()) this.next();
    return null;
  }
}
