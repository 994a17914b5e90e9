import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/kql/syntax/index.js';
import type {
  BinaryExpr, Expr, ExprStatement, InExpr, JoinOp, LetStatement, Literal, MakeSeriesOp, MvExpandOp,
  ParseOp, PipeExpr, QueryOperator, SummarizeOp, UnionOp,
} from '../../src/kql/syntax/index.js';
import { INVALID_QUERIES, VALID_QUERIES } from './cases.js';
import { collectRanges, diagnosticsWellFormed, findNode } from './walk.js';

function clean(text: string) {
  const r = parse(text);
  assert.deepEqual(r.diagnostics.map((d) => d.message), [], `unexpected diagnostics for ${JSON.stringify(text)}`);
  return r.query;
}

function expr(text: string): Expr {
  const q = clean(`print ${text}`);
  const stmt = q.statements[0] as ExprStatement;
  assert.equal(stmt.expr.kind, 'SourceOperator');
  const op = (stmt.expr as { op: QueryOperator }).op;
  assert.equal(op.kind, 'Print');
  return (op as { items: { expr: Expr }[] }).items[0].expr;
}

/** Renders an expression tree compactly, to assert on precedence. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'Binary': return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Unary': return `(${e.op}${show(e.operand)})`;
    case 'NameRef': return e.name.name;
    case 'Literal': return e.text;
    case 'In': return `(${show(e.expr)} ${e.op} [${e.list.map(show).join(', ')}])`;
    case 'Between': return `(${show(e.expr)} ${e.negated ? '!' : ''}between ${show(e.low)}..${show(e.high)})`;
    case 'Call': return `${e.target ? show(e.target) + '.' : ''}${e.name.name}(${e.args.map(show).join(', ')})`;
    case 'Member': return `${show(e.target)}.${e.member.name}`;
    case 'Index': return `${show(e.target)}[${show(e.index)}]`;
    case 'Paren': return `{${show(e.expr)}}`;
    case 'Star': return '*';
    default: return e.kind;
  }
}

function lastOp(text: string): QueryOperator {
  const q = clean(text);
  const stmt = q.statements[q.statements.length - 1] as ExprStatement;
  const e = stmt.expr;
  if (e.kind === 'Pipe' || e.kind === 'SourceOperator') return e.op;
  throw new Error(`no operator in ${text}`);
}

test('valid constructs parse without diagnostics and with consistent positions', () => {
  for (const text of VALID_QUERIES) {
    const { query, diagnostics } = parse(text);
    const syntax = diagnostics.filter((d) => d.code === 'KQL001');
    assert.deepEqual(syntax.map((d) => d.message), [], `diagnostics for ${JSON.stringify(text)}`);
    for (const r of collectRanges(query)) {
      assert.ok(r.start >= 0 && r.start <= r.end && r.end <= text.length, `${r.kind} ${r.start}-${r.end} outside text in ${JSON.stringify(text)}`);
      if (r.parent) {
        assert.ok(r.start >= r.parent.start && r.end <= r.parent.end,
          `${r.kind} ${r.start}-${r.end} not inside its parent ${r.parent.start}-${r.parent.end} in ${JSON.stringify(text)}`);
      }
    }
  }
});

test('invalid constructs report well-formed syntax errors', () => {
  for (const text of INVALID_QUERIES) {
    const { diagnostics } = parse(text);
    assert.ok(diagnostics.some((d) => d.code === 'KQL001'), `no syntax error for ${JSON.stringify(text)}`);
    assert.equal(diagnosticsWellFormed(text, diagnostics), undefined);
  }
});

test('operator precedence follows Microsoft\'s parser', () => {
  assert.equal(show(expr('a or b and c')), '(a or (b and c))');
  assert.equal(show(expr('a and b == c')), '(a and (b == c))');
  assert.equal(show(expr('a == b < c')), '(a == (b < c))');
  assert.equal(show(expr('a < b + c')), '(a < (b + c))');
  assert.equal(show(expr('a + b * c')), '(a + (b * c))');
  // String operators bind tighter than arithmetic in ADX.
  assert.equal(show(expr('a + b has c')), '(a + (b has c))');
  assert.equal(show(expr('a * b contains c')), '(a * (b contains c))');
  assert.equal(show(expr('-a has b')), '((-a) has b)');
  assert.equal(show(expr('a - b - c')), '((a - b) - c)');
  assert.equal(show(expr('a < b in (1)')), '((a < b) in [1])');
  assert.equal(show(expr('a between (1 .. 2) and b')), '((a between 1..2) and b)');
  assert.equal(show(expr('x.y[0].z(1)')), 'x.y[0].z(1)');
  assert.equal(show(expr("cluster('c').database('d').T")), "cluster('c').database('d').T");
});

test('comparisons do not chain', () => {
  for (const text of ['print a == b == c', 'print a < b < c', 'print a has b has c', 'print a in (1) in (2)']) {
    assert.ok(parse(text).diagnostics.length > 0, text);
  }
});

test('every word and negated operator is recognised', () => {
  const ops = ['has', '!has', 'has_cs', '!has_cs', 'hasprefix', '!hasprefix', 'hasprefix_cs', '!hasprefix_cs',
    'hassuffix', '!hassuffix', 'hassuffix_cs', '!hassuffix_cs', 'contains', '!contains', 'contains_cs', '!contains_cs',
    'startswith', '!startswith', 'startswith_cs', '!startswith_cs', 'endswith', '!endswith', 'endswith_cs', '!endswith_cs',
    '=~', '!~', 'matches regex', 'like', 'notlike'];
  for (const op of ops) {
    const e = expr(`a ${op} "x"`) as BinaryExpr;
    assert.equal(e.kind, 'Binary', op);
    assert.equal(e.op, op);
  }
  for (const op of ['in', '!in', 'in~', '!in~', 'has_any', 'has_all'] as const) {
    const e = expr(`a ${op} ("x", "y")`) as InExpr;
    assert.equal(e.kind, 'In');
    assert.equal(e.op, op);
    assert.equal(e.list.length, 2);
  }
  // Operator keywords are case-sensitive.
  assert.ok(parse('T | where a AND b').diagnostics.length > 0);
  assert.ok(parse('T | Where a').diagnostics.length > 0);
});

test('literal values are evaluated', () => {
  const lit = (text: string) => expr(text) as Literal;
  assert.deepEqual([lit('1').type, lit('1').value], ['long', 1]);
  assert.deepEqual([lit('-1').type, lit('-1').value], ['long', -1]);
  assert.deepEqual([lit('0x1F').value, lit('1e3').value, lit('1.5').type], [31, 1000, 'real']);
  assert.equal(lit('1d').value, 864_000_000_000n);
  assert.equal(lit('1.5h').value, 54_000_000_000n);
  assert.equal(lit('10ms').value, 100_000n);
  assert.equal(lit('3ticks').value, 3n);
  assert.equal(lit('7microseconds').value, 70n);
  assert.equal(lit('time(1.02:03:04.5)').value, 864_000_000_000n + 2n * 36_000_000_000n + 3n * 600_000_000n + 45_000_000n);
  assert.equal(lit('time(null)').value, null);
  assert.equal(lit('datetime(1970-01-01)').value, 621_355_968_000_000_000n);
  assert.equal(lit('datetime(2015-12-31 23:59:59.9)').value, lit('datetime(2015-12-31T23:59:59.9Z)').value);
  assert.equal(lit('datetime(null)').value, null);
  assert.equal(lit('datetime(null)').type, 'datetime');
  assert.deepEqual(lit('dynamic({"a": [1, -2, {"b": null}], "c": true})').value, { a: [1, -2, { b: null }], c: true });
  assert.equal(lit('dynamic(null)').value, null);
  assert.equal(lit('guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642)').value, '74be27de-1e4e-49d9-b579-fe0b331d3642');
  assert.deepEqual([lit('int(5)').type, lit('int(5)').value], ['int', 5]);
  assert.equal(lit('int(0xffffffff)').value, -1);
  assert.ok(Number.isNaN(lit('real(nan)').value as number));
  assert.equal(lit('real(+inf)').value, Infinity);
  assert.equal(lit('real(-inf)').value, -Infinity);
  assert.equal(lit('int(null)').value, null);
  assert.equal(lit('bool(true)').value, true);
  assert.equal(lit('true').value, true);
  assert.equal(lit('"a\\n\\t\\\\\\"\\u0041"').value, 'a\n\t\\"A');
  assert.equal(lit("@'c:\\x''y'").value, "c:\\x'y");
  assert.equal(lit('```a\nb```').value, 'a\nb');
  assert.equal(lit("h'secret'").value, 'secret');
  assert.equal(lit("'a' \"b\" @'c'").value, 'abc');
  assert.equal(lit("'{{StartTimeISO}}'").value, '{{StartTimeISO}}');
  const now = expr('datetime(now)');
  assert.equal(now.kind === 'Call' && now.name.name, 'now');
});

test('invalid literal contents are reported with their own code', () => {
  const r = parse('print datetime(2020-13-45), guid(xyz), int(99999999999)');
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['KQL002', 'KQL002', 'KQL002']);
  const big = parse('print 9007199254740993');
  assert.equal(big.diagnostics[0]?.code, 'NotSupported');
  assert.match(big.diagnostics[0].message, /^not supported: /);
});

test('pipelines nest to the left and keep operator details', () => {
  const q = clean('T | where a | take 1');
  const p = (q.statements[0] as ExprStatement).expr as PipeExpr;
  assert.equal(p.op.kind, 'Take');
  assert.equal((p.input as PipeExpr).op.kind, 'Where');
  assert.equal(((p.input as PipeExpr).input as { kind: string }).kind, 'NameRef');

  const join = lastOp('T | join kind=leftouter hint.strategy=broadcast (U | where x) on a, $left.b == $right.c') as JoinOp;
  assert.deepEqual(join.options.map((o) => o.name), ['kind', 'hint.strategy']);
  assert.equal(join.right.kind, 'Paren');
  assert.equal(join.on.length, 2);
  assert.equal(show(join.on[1]), '($left.b == $right.c)');

  const summarize = lastOp('T | summarize hint.shufflekey=a n = count(), arg_max(t, *) by a, bin(t, 1h)') as SummarizeOp;
  assert.deepEqual(summarize.aggregates.map((a) => a.names.map((n) => n.name)), [['n'], []]);
  assert.equal(summarize.by.length, 2);
  assert.equal(show(summarize.aggregates[1].expr), 'arg_max(t, *)');

  const union = lastOp('union withsource=S isfuzzy=true T, Sec*, (U | take 1)') as UnionOp;
  assert.deepEqual(union.tables.map((t) => t.kind === 'NameRef' ? t.name.name : t.kind), ['T', 'Sec*', 'Paren']);

  const mv = lastOp('T | mv-expand with_itemindex=i a to typeof(long), b limit 5') as MvExpandOp;
  assert.equal(mv.items[0].toType?.type, 'long');
  assert.equal(mv.limit?.kind, 'Literal');

  const ms = lastOp('T | make-series c = count() default = 0 on t in range(ago(1d), now(), 1h) by a') as MakeSeriesOp;
  assert.ok(ms.inRange && ms.aggregates[0].defaultValue);
  assert.equal(ms.by.length, 1);

  const p2 = lastOp('T | parse kind=regex flags=Ui a with * "x" b:long "y" c') as ParseOp;
  assert.equal(p2.flags, 'Ui');
  assert.deepEqual(p2.pattern.map((e) => e.star ? '*' : e.literal ?? `${e.column?.name}:${e.type?.type ?? ''}`), ['*', 'x', 'b:long', 'y', 'c:']);
});

test('let statements, functions and views', () => {
  const q = clean('let f = (T:(a:string), n:long = 3) { let k = 1; T | take n }; let v = view () { U }; let m = materialize(T | take 1); f(T)');
  const f = q.statements[0] as LetStatement;
  assert.equal(f.value.kind, 'FunctionDecl');
  if (f.value.kind !== 'FunctionDecl') return;
  assert.equal(f.value.params[0].type.kind, 'TabularTypeRef');
  assert.equal(f.value.params[1].defaultValue?.kind, 'Literal');
  assert.equal(f.value.body.statements.length, 1);
  assert.equal(f.value.body.result.kind, 'Pipe');
  const v = q.statements[1] as LetStatement;
  assert.ok(v.value.kind === 'FunctionDecl' && v.value.isView);
  assert.equal(findNode(q.statements[2], 'Call')?.kind, 'Call');
  assert.equal(q.statements.length, 4);
});

test('keywords usable as names where ADX allows them', () => {
  clean('T | project count = 1, type = 2 | where count > 0 and type == 2');
  clean('T | extend x = a.type, y = a.count, z = ["kind"]');
  clean('T | where kind == 1 and step == 2 and from == 3');
  assert.ok(parse('T | extend kind = 1').diagnostics.length > 0);
  assert.ok(parse('T | where by == 1').diagnostics.length > 0);
});

test('one run reports several independent errors', () => {
  const text = 'T | where a b | extend = 1 | project x,\n| take';
  const { diagnostics } = parse(text);
  assert.ok(diagnostics.length >= 3, diagnostics.map((d) => d.message).join('\n'));
  assert.equal(diagnosticsWellFormed(text, diagnostics), undefined);
});

test("evaluate's output schema may start with * (keep the input columns)", () => {
  const op = (q: string) => ((clean(q).statements[0] as ExprStatement).expr as PipeExpr).op as QueryOperator & { outputSchema?: { name: { name: string } }[]; outputSchemaWildcard?: boolean };
  const wild = op('T | evaluate bag_unpack(d) : (*, Name:string, Age:long)');
  assert.equal(wild.outputSchemaWildcard, true);
  assert.deepEqual(wild.outputSchema?.map((d) => d.name.name), ['Name', 'Age']);
  const plain = op('T | evaluate bag_unpack(d) : (Name:string)');
  assert.equal(plain.outputSchemaWildcard, undefined);
  assert.deepEqual(plain.outputSchema?.map((d) => d.name.name), ['Name']);
});

test('top-nested clauses may name their aggregation (by Name = agg)', () => {
  const q = clean('T | top-nested of id by Ignore0=max(1), top-nested 2 of ts by Last=max(ts) desc');
  const op = ((q.statements[0] as ExprStatement).expr as PipeExpr).op as QueryOperator & { clauses: { by: { names: { name: string }[] }; direction?: string }[] };
  assert.deepEqual(op.clauses.map((c) => c.by.names.map((n) => n.name)), [['Ignore0'], ['Last']]);
  assert.equal(op.clauses[1]!.direction, 'desc');
  const unnamed = ((clean('T | top-nested 3 of a by sum(b)').statements[0] as ExprStatement).expr as PipeExpr).op as QueryOperator & { clauses: { by: { names: unknown[] } }[] };
  assert.deepEqual(unnamed.clauses[0]!.by.names, []);
});
