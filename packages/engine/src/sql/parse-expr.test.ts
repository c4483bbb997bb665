import { describe, expect, it } from 'vitest';
import type { Expr, ExprColumn, FunctionCall, Identifier, Select, SimpleSelect } from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { parseOne } from './parse-stmt.js';

/** The select `sql` parses to. */
function select(sql: string): Select {
  const { stmt } = parseOne(sql);
  if (stmt?.kind !== 'select') throw new Error(`not a select: ${sql}`);
  return stmt;
}

/** The expression of `SELECT <text>`. */
function expr(text: string): Expr {
  const core = select(`SELECT ${text}`).first as SimpleSelect;
  return (core.columns[0] as ExprColumn).expr;
}

function name(id: Identifier): string {
  return id.quote ? `${id.quote}${id.name}` : id.name;
}

/** A fully parenthesized rendering of an expression, to show how it was grouped. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return [e.schema, e.table, e.column].filter((x) => x).map((x) => name(x as Identifier)).join('.');
    case 'integer':
    case 'float':
      return e.text;
    case 'string':
      return `'${e.value}'`;
    case 'null':
      return 'NULL';
    case 'variable':
      return `${e.name}#${e.index}`;
    case 'unary':
      return `(${e.op}${e.op === 'NOT' ? ' ' : ''}${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'like':
      return `(${show(e.left)}${e.not ? ' NOT' : ''} ${e.op} ${show(e.right)}${e.escape ? ` ESCAPE ${show(e.escape)}` : ''})`;
    case 'between':
      return `(${show(e.operand)}${e.not ? ' NOT' : ''} BETWEEN ${show(e.low)} AND ${show(e.high)})`;
    case 'in':
      return `(${show(e.operand)}${e.not ? ' NOT' : ''} IN ${e.values.kind === 'list' ? `[${e.values.items.map(show).join(', ')}]` : e.values.kind})`;
    case 'isNull':
      return `(${show(e.operand)} ${e.not ? 'NOTNULL' : 'ISNULL'})`;
    case 'collate':
      return `(${show(e.operand)} COLLATE ${name(e.collation)})`;
    case 'row':
      return `<${e.items.map(show).join(', ')}>`;
    case 'function':
      return `${e.name.name}(${e.star ? '*' : e.args.map(show).join(', ')})`;
    case 'cast':
      return `CAST(${show(e.operand)} AS ${e.type?.text ?? ''})`;
    default:
      return e.kind;
  }
}

const grouped = (text: string): string => show(expr(text));

/** A copy of a syntax tree without source offsets, for comparing structure. */
function strip<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'start' || k === 'end' ? undefined : v)));
}

function errorOf(sql: string): SqlSyntaxError {
  try {
    parseOne(sql);
  } catch (e) {
    if (e instanceof SqlSyntaxError) return e;
    throw e;
  }
  throw new Error(`no error: ${sql}`);
}

describe('operator precedence', () => {
  it('binds multiplicative over additive over shifts over comparisons', () => {
    expect(grouped('1 + 2 * 3')).toBe('(1 + (2 * 3))');
    expect(grouped('1 * 2 + 3')).toBe('((1 * 2) + 3)');
    expect(grouped('1 - 2 - 3')).toBe('((1 - 2) - 3)');
    expect(grouped('1 << 2 + 3 & 4')).toBe('((1 << (2 + 3)) & 4)');
    expect(grouped('1 < 2 = 3 > 4')).toBe('((1 < 2) = (3 > 4))');
    expect(grouped('a || b * c')).toBe('((a || b) * c)');
    expect(grouped('a -> b ->> c || d')).toBe('(((a -> b) ->> c) || d)');
    expect(grouped('a % b / c')).toBe('((a % b) / c)');
  });

  it('binds AND over OR and NOT below comparisons', () => {
    expect(grouped('a OR b AND c')).toBe('(a OR (b AND c))');
    expect(grouped('NOT a = b')).toBe('(NOT (a = b))');
    expect(grouped('NOT a AND b')).toBe('((NOT a) AND b)');
    expect(grouped('a = NOT b = c')).toBe('(a = (NOT (b = c)))');
    expect(grouped('a * NOT b + c')).toBe('(a * (NOT (b + c)))');
    expect(grouped('NOT NOT a')).toBe('(NOT (NOT a))');
  });

  it('binds unary minus, plus and ~ tightest, then COLLATE', () => {
    expect(grouped('-a * b')).toBe('((-a) * b)');
    expect(grouped('- - a')).toBe('(-(-a))');
    expect(grouped('~a || b')).toBe('((~a) || b)');
    expect(grouped('-a COLLATE x')).toBe('((-a) COLLATE x)');
    expect(grouped('a || b COLLATE x')).toBe('(a || (b COLLATE x))');
    expect(grouped('a COLLATE x COLLATE "y"')).toBe('((a COLLATE x) COLLATE "y)');
  });

  it('puts IS, LIKE, IN, BETWEEN and = on one left-associative level', () => {
    expect(grouped('a = b IS c')).toBe('((a = b) IS c)');
    expect(grouped('a IS NOT b = c')).toBe('((a IS NOT b) = c)');
    expect(grouped('a IS NOT DISTINCT FROM b')).toBe('(a IS b)');
    expect(grouped('a IS DISTINCT FROM b')).toBe('(a IS NOT b)');
    expect(grouped('a == b <> c != d')).toBe('(((a = b) != c) != d)');
    expect(grouped('a LIKE b = c')).toBe('((a LIKE b) = c)');
    expect(grouped('a = b LIKE c')).toBe('((a = b) LIKE c)');
    expect(grouped('a < b LIKE c')).toBe('((a < b) LIKE c)');
    expect(grouped('a = b IN (1)')).toBe('((a = b) IN [1])');
    expect(grouped('a = x BETWEEN 1 AND 2')).toBe('((a = x) BETWEEN 1 AND 2)');
  });

  it('gives NOT LIKE, NOT IN, NOT BETWEEN and NOT NULL the binding of NOT on their left', () => {
    expect(grouped('a = b NOT LIKE c')).toBe('((a = b) NOT LIKE c)');
    expect(grouped('a AND b NOT LIKE c')).toBe('(a AND (b NOT LIKE c))');
    expect(grouped('a NOT LIKE b = c')).toBe('((a NOT LIKE b) = c)');
    expect(grouped('a = b NOT NULL')).toBe('((a = b) NOTNULL)');
    expect(grouped('NOT a NOT NULL')).toBe('(NOT (a NOTNULL))');
    expect(grouped('a AND b NOT IN (1)')).toBe('(a AND (b NOT IN [1]))');
    expect(grouped('a + b ISNULL')).toBe('((a + b) ISNULL)');
    expect(grouped('a ISNULL = b NOTNULL')).toBe('(((a ISNULL) = b) NOTNULL)');
  });

  it('reads ESCAPE only after a LIKE pattern', () => {
    expect(grouped("a LIKE b || c ESCAPE 'x' || 'y'")).toBe("(a LIKE (b || c) ESCAPE ('x' || 'y'))");
    expect(grouped("a NOT GLOB b ESCAPE c")).toBe('(a NOT GLOB b ESCAPE c)');
    expect(grouped('a LIKE b LIKE c ESCAPE d')).toBe('((a LIKE b) LIKE c ESCAPE d)');
    expect(errorOf('SELECT a ESCAPE b').message).toBe('near "ESCAPE": syntax error');
    expect(errorOf('SELECT a LIKE b = c ESCAPE d').message).toBe('near "ESCAPE": syntax error');
  });

  it('extends the middle operand of BETWEEN over everything but a top-level AND', () => {
    expect(grouped('x BETWEEN a AND b AND c')).toBe('((x BETWEEN a AND b) AND c)');
    expect(grouped('x BETWEEN a = b AND c')).toBe('(x BETWEEN (a = b) AND c)');
    expect(grouped('x BETWEEN (a OR b) AND c AND d')).toBe('((x BETWEEN (a OR b) AND c) AND d)');
    expect(grouped('x BETWEEN a AND b + c')).toBe('(x BETWEEN a AND (b + c))');
    expect(grouped('x BETWEEN a AND b = c')).toBe('((x BETWEEN a AND b) = c)');
    expect(grouped('x NOT BETWEEN NOT a AND b')).toBe('(x NOT BETWEEN (NOT a) AND b)');
    // An AND inside an OR of the middle operand belongs to the OR, so the BETWEEN lacks its AND.
    expect(errorOf('SELECT x BETWEEN a OR b AND c').message).toBe('incomplete input');
    expect(errorOf('SELECT x BETWEEN a OR b AND c AND d').message).toBe('incomplete input');
  });
});

describe('operands', () => {
  it('keeps numeric literals as written, without digit separators', () => {
    expect(strip(expr('12'))).toEqual({ kind: 'integer', text: '12' });
    expect(strip(expr('0x7FFFFFFFFFFFFFFFFF'))).toEqual({ kind: 'integer', text: '0x7FFFFFFFFFFFFFFFFF' });
    expect(strip(expr('9223372036854775808'))).toEqual({ kind: 'integer', text: '9223372036854775808' });
    expect(strip(expr('1.5e3'))).toEqual({ kind: 'float', text: '1.5e3' });
    expect(strip(expr('.5'))).toEqual({ kind: 'float', text: '.5' });
    expect(strip(expr('1_000_000'))).toEqual({ kind: 'integer', text: '1000000' });
    expect(strip(expr('0xAB_CD'))).toEqual({ kind: 'integer', text: '0xABCD' });
    expect(strip(expr('1_0.2_5e1_0'))).toEqual({ kind: 'float', text: '10.25e10' });
    expect(strip(expr('-1'))).toEqual({ kind: 'unary', op: '-', operand: { kind: 'integer', text: '1' } });
  });

  it('rejects misplaced digit separators as SQLite does', () => {
    expect(errorOf('SELECT 1__0').message).toBe('unrecognized token: "1__0"');
    expect(errorOf('SELECT 1_').message).toBe('unrecognized token: "1_"');
    expect(errorOf('SELECT 1_e5').message).toBe('unrecognized token: "1_e5"');
    // The check runs only when the number is used, so a syntax error before it wins.
    expect(errorOf('SELECT 1 1__0').message).toBe('near "1__0": syntax error');
    expect(errorOf('SELECT 1__0 )').message).toBe('near ")": syntax error');
    expect(errorOf('CREATE TABLE t(a VARCHAR(1_0))').message).toBe('near "1_0": syntax error');
  });

  it('unescapes strings and decodes blobs', () => {
    expect(strip(expr("'it''s'"))).toEqual({ kind: 'string', value: "it's" });
    expect(strip(expr("''"))).toEqual({ kind: 'string', value: '' });
    expect(expr("x'01FF'")).toMatchObject({ kind: 'blob', value: new Uint8Array([1, 255]) });
    expect(strip(expr('NULL'))).toEqual({ kind: 'null' });
    expect(strip(expr('current_timestamp'))).toEqual({ kind: 'currentTime', keyword: 'CURRENT_TIMESTAMP' });
  });

  it('numbers parameters as SQLite does', () => {
    const core = select('SELECT ?, :a, ?5, ?, :a, @b, $c, ?2').first as SimpleSelect;
    expect(core.columns.map((c) => show((c as ExprColumn).expr))).toEqual([
      '?#1', ':a#2', '?5#5', '?#6', ':a#2', '@b#7', '$c#8', '?2#2',
    ]);
    expect(parseOne('SELECT ?, :a, ?5, ?2').parameters).toEqual([null, ':a', null, null, '?5']);
    expect(parseOne('SELECT $a::b(c), $a::b(c)').parameters).toEqual(['$a::b(c)']);
    expect(errorOf('SELECT ?0').message).toBe('variable number must be between ?1 and ?32766');
    expect(errorOf('SELECT ?32767').message).toBe('variable number must be between ?1 and ?32766');
    expect(errorOf('SELECT #1, 2').message).toBe('near "#1": syntax error');
    expect(show(expr('#a'))).toBe('#a#1');
  });

  it('reads names, qualified names and keywords used as names', () => {
    expect(grouped('a + t.b + main.t.c')).toBe('((a + t.b) + main.t.c)');
    expect(grouped('"a b" + [c] + `d` + \'t\'.e')).toBe("(((\"a b + [c) + `d) + 't.e)");
    expect(grouped('key + end + replace + left + indexed + rowid')).toBe(
      '(((((key + end) + replace) + left) + indexed) + rowid)',
    );
    expect(strip(expr('"x"'))).toEqual({
      kind: 'column', schema: null, table: null,
      column: { kind: 'identifier', name: 'x', quote: '"' },
    });
    expect(errorOf('SELECT a.b.c.d').message).toBe('near ".": syntax error');
  });

  it('reads row values, subqueries, EXISTS, CASE and CAST', () => {
    expect(grouped('(1, 2) = (a, b)')).toBe('(<1, 2> = <a, b>)');
    expect(expr('(SELECT 1)').kind).toBe('subquery');
    expect(expr('(((1)))')).toMatchObject({ kind: 'integer', start: 10, end: 11 });
    expect(grouped('NOT EXISTS (SELECT 1)')).toBe('(NOT exists)');
    expect(strip(expr('CASE a WHEN 1 THEN 2 ELSE 3 END'))).toMatchObject({
      kind: 'case',
      operand: { kind: 'column' },
      whens: [{ when: { text: '1' }, then: { text: '2' } }],
      else: { text: '3' },
    });
    expect(expr('CASE WHEN 1 THEN 2 END')).toMatchObject({ operand: null, else: null });
    expect(grouped('CAST(a AS VARCHAR(10))')).toBe('CAST(a AS VARCHAR(10))');
    expect(grouped('CAST(a AS double  precision)')).toBe('CAST(a AS double  precision)');
    expect(grouped('CAST(a AS)')).toBe('CAST(a AS )');
  });

  it('reads IN with a list, a subquery, a table or a table-valued function', () => {
    expect(grouped('a IN ()')).toBe('(a IN [])');
    expect(grouped('a NOT IN (1, 2)')).toBe('(a NOT IN [1, 2])');
    expect(grouped('a IN (SELECT 1)')).toBe('(a IN select)');
    expect(strip(expr('a IN main.t'))).toMatchObject({
      values: { kind: 'inTable', schema: { name: 'main' }, name: { name: 't' }, args: null },
    });
    expect(strip(expr('a IN f(1, 2)'))).toMatchObject({
      values: { kind: 'inTable', schema: null, name: { name: 'f' }, args: [{ text: '1' }, { text: '2' }] },
    });
  });

  it('reads RAISE', () => {
    expect(strip(expr('RAISE(IGNORE)'))).toEqual({ kind: 'raise', action: 'IGNORE', message: null });
    expect(strip(expr("RAISE(ABORT, 'x' || 1)"))).toMatchObject({ kind: 'raise', action: 'ABORT', message: { kind: 'binary' } });
    expect(errorOf('SELECT raise FROM t').message).toBe('near "FROM": syntax error');
  });
});

describe('function calls', () => {
  const call = (text: string): FunctionCall => expr(text) as FunctionCall;

  it('reads arguments, DISTINCT, * and an ORDER BY for aggregates', () => {
    expect(call('count(*)')).toMatchObject({ star: true, args: [], distinct: false });
    expect(call('count(DISTINCT a)')).toMatchObject({ distinct: true, args: [{ kind: 'column' }] });
    expect(call('f()')).toMatchObject({ args: [], star: false });
    expect(strip(call("group_concat(a, ',' ORDER BY b DESC NULLS LAST)").orderBy)).toEqual([
      { expr: { kind: 'column', schema: null, table: null, column: { kind: 'identifier', name: 'b', quote: null } }, order: 'DESC', nulls: 'LAST' },
    ]);
    expect(call('replace(a, b, c)').name.name).toBe('replace');
    expect(call('left(a)').name.name).toBe('left');
  });

  it('reads FILTER and OVER clauses', () => {
    const f = call('sum(a) FILTER (WHERE a > 0) OVER (w PARTITION BY b ORDER BY c RANGE BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW)');
    expect(show(f.filter as Expr)).toBe('(a > 0)');
    expect(strip(f.over)).toMatchObject({
      kind: 'window',
      base: { name: 'w' },
      partitionBy: [{ kind: 'column' }],
      orderBy: [{ order: null }],
      frame: {
        units: 'RANGE',
        from: { type: 'PRECEDING', offset: { text: '1' } },
        to: { type: 'UNBOUNDED FOLLOWING', offset: null },
        exclude: 'CURRENT ROW',
      },
    });
    expect(strip(call('rank() OVER win').over)).toEqual({ kind: 'identifier', name: 'win', quote: null });
    expect(strip(call('f() OVER (ROWS CURRENT ROW)').over)).toMatchObject({ frame: { from: { type: 'CURRENT ROW' }, to: null } });
  });

  it('takes OVER and FILTER as keywords only where SQLite does', () => {
    // `over` after a call is an alias unless a name or ( follows; `filter` unless ( follows.
    const core = select('SELECT count(*) over, f(x) filter FROM t').first as SimpleSelect;
    expect(core.columns.map((c) => (c as ExprColumn).alias?.name)).toEqual(['over', 'filter']);
    expect(errorOf('SELECT (a) over (x)').message).toBe('near "over": syntax error');
    expect(errorOf('SELECT f() OVER () FILTER (WHERE 1)').message).toBe('near "FILTER": syntax error');
  });
});

describe('spans', () => {
  it('cover the source text of each expression, parentheses included', () => {
    const sql = 'SELECT (a + b) * c, -x FROM t';
    const core = select(sql).first as SimpleSelect;
    const [first, second] = core.columns as ExprColumn[];
    expect(sql.slice(first.expr.start, first.expr.end)).toBe('(a + b) * c');
    if (first.expr.kind !== 'binary') throw new Error('binary expected');
    expect(sql.slice(first.expr.left.start, first.expr.left.end)).toBe('a + b');
    expect(sql.slice(second.start, second.end)).toBe('-x');
  });
});
