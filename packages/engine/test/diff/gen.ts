/**
 * The statement generator: a grammar of SELECT (and, behind flags, DML) productions, each enabled by a
 * feature flag, producing `SqlNode` trees over a scenario's tables.
 *
 * Invariants that keep the comparison meaningful: no non-deterministic functions (random(), changes()
 * …); LIMIT and OFFSET are constant expressions; in an aggregate query the result only reads GROUP BY
 * keys and aggregates (never a bare column, whose row SQLite leaves unspecified); a scalar subquery
 * without aggregate is ordered by rowid and limited to one row; compound members have equal widths.
 */
import type { Prng } from '../support/prng.js';
import type { Feature, FeatureSet } from './features.js';
import type { Scenario, TableSpec } from './schema.js';
import { type SqlNode, call, exprNode, find, leaf, list, literal, render, seq } from './sql-node.js';
import { int } from '../support/sqlite-oracle.js';
import { randomInt, randomVal, textLiteral } from './values.js';

/** A row source in scope: a table or CTE under an alias. */
interface Source {
  alias: string;
  columns: string[];
  /** Whether it has a rowid (tables do, CTEs do not). */
  rowid: boolean;
  /** Whether the scenario indexes it (then a plan may read it in index order). */
  indexed?: boolean;
  /** Its INTEGER PRIMARY KEY column, if any. */
  key?: string;
}

/** A table-like thing a FROM clause can name. */
interface Relation {
  name: string;
  columns: string[];
  rowid: boolean;
  indexed?: boolean;
  key?: string;
}

interface Cx {
  prng: Prng;
  features: FeatureSet;
  relations: Relation[];
  scope: Source[];
  /** 'group': leaves are GROUP BY keys and aggregate calls instead of columns. */
  mode: 'row' | 'group';
  keys: SqlNode[];
  subqueryDepth: number;
  aliases: { n: number };
  /** Only qualified column references (ON clauses without `bare_column_in_on`, FOUND.md). */
  qualified?: boolean;
  /**
   * Whether rows reach this query's aggregates in an order both engines share: one table without
   * indexes, scanned in rowid order (no join, no GROUP BY). Elsewhere order-sensitive aggregates
   * carry their own ORDER BY.
   */
  fixedScan?: boolean;
}

const has = (cx: Cx, f: Feature): boolean => cx.features.has(f);

// ---- leaves -------------------------------------------------------------------------------------

const SPECIAL_LITERALS = [
  'TRUE', 'FALSE', '0x10', '0xff', '0x7FFFFFFFFFFFFFFF', '0xffffffffffffffff', '9223372036854775808', '1e999', '1.',
  '.5', '1e3', '007', '-0', '2.5e-3', "'-'", "''", 'NULL',
];

function literalExpr(cx: Cx): SqlNode {
  const prng = cx.prng;
  if (prng.chance(0.12)) return leaf(prng.pick(SPECIAL_LITERALS), { expr: true });
  if (prng.chance(0.3)) return literal(int(BigInt(prng.range(-3, 10))));
  return literal(randomVal(prng));
}

function paramExpr(cx: Cx): SqlNode {
  return leaf('?', { expr: true, param: randomVal(cx.prng), feature: 'params' });
}

const ROWID_NAMES = ['rowid', 'oid', '_rowid_'];

function columnExpr(cx: Cx): SqlNode {
  const prng = cx.prng;
  const source = prng.pick(cx.scope);
  if (source.rowid && prng.chance(0.06)) return leaf(`${source.alias}.${prng.pick(ROWID_NAMES)}`, { expr: true, tag: 'column' });
  const name = prng.pick(source.columns);
  const unique = cx.scope.filter((s) => s.columns.includes(name)).length === 1;
  return leaf(unique && !cx.qualified && prng.chance(0.4) ? name : `${source.alias}.${name}`, { expr: true, tag: 'column' });
}

function leafExpr(cx: Cx): SqlNode {
  const r = cx.prng.float();
  if (cx.mode === 'group') {
    if (r < 0.35 && cx.keys.length > 0) return structuredClone(cx.prng.pick(cx.keys));
    if (r < 0.75) return aggregateCall(cx);
  } else if (r < 0.6 && cx.scope.length > 0) {
    return columnExpr(cx);
  }
  if (has(cx, 'params') && cx.prng.chance(0.12)) return paramExpr(cx);
  return literalExpr(cx);
}

// ---- expressions --------------------------------------------------------------------------------

type Production = [weight: number, feature: Feature | null, make: (cx: Cx, depth: number) => SqlNode];

const bin = (op: string, feature: Feature) => (cx: Cx, d: number) => exprNode(['(', ` ${op} `, ')'], [expr(cx, d - 1), expr(cx, d - 1)], feature);

const PRODUCTIONS: Production[] = [
  [6, 'arith', (cx, d) => bin(cx.prng.pick(['+', '-', '*', '/', '%', '+', '-', '*', '&', '|', '<<', '>>']), 'arith')(cx, d)],
  [2, 'arith', unaryExpr],
  [7, 'compare', comparison],
  [2, 'compare', (cx, d) => exprNode(['(', cx.prng.pick([' ISNULL)', ' NOTNULL)', ' IS NULL)', ' IS NOT NULL)', ' NOT NULL)'])], [expr(cx, d - 1)], 'compare')],
  [4, 'logic', andOr],
  [1, 'logic', (cx, d) => exprNode(['(NOT ', ')'], [expr(cx, d - 1)], 'logic')],
  [2, 'between', betweenExpr],
  [3, 'in', inList],
  [3, 'like', likeExpr],
  [3, 'case', caseExpr],
  [3, 'cast', (cx, d) => exprNode(['CAST(', ` AS ${cx.prng.pick(CAST_TYPES)})`], [expr(cx, d - 1)], 'cast')],
  [2, 'collate', (cx, d) => exprNode(['(', ` COLLATE ${cx.prng.pick(['NOCASE', 'RTRIM', 'BINARY', 'nocase'])})`], [expr(cx, d - 1)], 'collate')],
  [2, 'concat', bin('||', 'concat')],
  [10, 'functions', functionExpr],
  [3, 'subquery', subqueryExpr],
];

const CAST_TYPES = ['INTEGER', 'INT', 'TEXT', 'REAL', 'NUMERIC', 'BLOB', 'FLOAT', 'VARCHAR(5)', 'DECIMAL(10,2)', 'BOOLEAN', 'NONE', 'UNSIGNED BIG INT'];

/** A random expression of at most `depth` levels of operators. */
export function expr(cx: Cx, depth: number): SqlNode {
  if (depth <= 0 || cx.prng.chance(0.2)) return leafExpr(cx);
  let total = 0;
  const usable = PRODUCTIONS.filter(([w, f]) => (f === null || has(cx, f)) && w > 0 && (f !== 'subquery' || usableSubquery(cx)));
  for (const [w] of usable) total += w;
  let r = cx.prng.float() * total;
  for (const [w, , make] of usable) {
    r -= w;
    if (r < 0) return make(cx, depth);
  }
  return leafExpr(cx);
}

/**
 * `a AND b`, `a OR b`. Without `short_circuit_error`, an operand never calls abs() (which raises
 * "integer overflow"): SQLite evaluates both operands where Hearth stops at the first; and an AND
 * with an integer literal 0 on one side never holds an aggregate on the other: SQLite's parser turns
 * such an AND into 0 and generates no code for the other side, so neither its misuse nor its
 * overflow is ever reported (FOUND.md).
 */
function andOr(cx: Cx, d: number): SqlNode {
  const fenced = !has(cx, 'short_circuit_error');
  const operand = (): SqlNode => {
    let e = expr(cx, d - 1);
    while (fenced && /\babs\(/i.test(render(e).sql)) e = expr(cx, d - 1);
    return e;
  };
  const op = cx.prng.pick([' AND ', ' OR ']);
  const left = operand();
  let right = operand();
  if (fenced && op === ' AND ') {
    while (isZeroLiteral(left) ? usesAggregate(right) : isZeroLiteral(right) && usesAggregate(left)) right = operand();
  }
  return exprNode(['(', op, ')'], [left, right], 'logic');
}

/** Whether `node` is the integer literal 0, which SQLite's parser folds an AND around. */
function isZeroLiteral(node: SqlNode): boolean {
  return /^\(*(0+|0x0+)\)*$/i.test(render(node).sql);
}

/** `-x`, `+x`, `~x`. */
function unaryExpr(cx: Cx, d: number): SqlNode {
  const op = cx.prng.pick(['(- ', '(+ ', '(~ ']);
  return exprNode([op, ')'], [expr(cx, d - 1)], 'arith');
}

/** `a op b`. */
function comparison(cx: Cx, d: number): SqlNode {
  const op = cx.prng.pick(['=', '==', '!=', '<>', '<', '<=', '>', '>=', 'IS', 'IS NOT', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM']);
  const right = expr(cx, d - 1);
  const left = expr(cx, d - 1);
  return exprNode(['(', ` ${op} `, ')'], [left, right], 'compare');
}

function betweenExpr(cx: Cx, d: number): SqlNode {
  const x = expr(cx, d - 1);
  return exprNode(['(', cx.prng.chance(0.3) ? ' NOT BETWEEN ' : ' BETWEEN ', ' AND ', ')'], [x, expr(cx, d - 1), expr(cx, d - 1)], 'between');
}

function inList(cx: Cx, d: number): SqlNode {
  const n = cx.prng.chance(0.05) ? 0 : cx.prng.range(1, 4);
  const items: SqlNode[] = [];
  for (let i = 0; i < n; i++) items.push(expr(cx, d - 1));
  return exprNode(['(', cx.prng.chance(0.3) ? ' NOT IN (' : ' IN (', ...items.slice(1).map(() => ', '), '))'].filter((_, i) => n > 0 || i !== 2), [expr(cx, d - 1), ...items], 'in');
}

const LIKE_PATTERNS = ['a%', '%b%', '_', '%', 'A_c', 'abc', '%c', 'x\\_y%', 'x|%%', '1%', '%2', '', '%é%', 'É%', '_b_', 'ABC%', '% ', '[a-c]*', '*b*', '?', 'a*', '[^a]*', '*[0-9]*', '[]]*'];

function likeExpr(cx: Cx, d: number): SqlNode {
  const prng = cx.prng;
  const glob = prng.chance(0.35);
  const op = `${prng.chance(0.25) ? ' NOT' : ''} ${glob ? 'GLOB' : 'LIKE'} `;
  const pattern = prng.chance(0.65) ? leaf(textLiteral(prng.pick(LIKE_PATTERNS)), { expr: true }) : expr(cx, d - 1);
  let subject = expr(cx, d - 1);
  while (!glob && !has(cx, 'rowid_like_prefix') && readsRowid(cx, subject) && !wildcardFirst(pattern)) subject = expr(cx, d - 1);
  if (!glob && prng.chance(0.25)) {
    const escape = prng.chance(0.9) || !has(cx, 'escape_expression') ? leaf(textLiteral(prng.pick(['\\', '|', 'x', '%'])), { expr: true }) : expr(cx, d - 1);
    return exprNode(['(', op, ' ESCAPE ', ')'], [subject, pattern, escape], 'like');
  }
  return exprNode(['(', op, ')'], [subject, pattern], 'like');
}

/**
 * Whether `node` is a column reference that reads the rowid (by name or an INTEGER PRIMARY KEY).
 * SQLite 3.53 takes `rowid LIKE 'abc%'` (a pattern with a prefix that is no number) as never true and
 * tests it before a LEFT JOIN's outer row is emitted, losing that row (FOUND.md): without
 * `rowid_like_prefix` such a LIKE has a pattern that starts with a wildcard or a digit.
 */
function readsRowid(cx: Cx, node: SqlNode): boolean {
  if (node.tag !== 'column') return false;
  const text = render(node).sql;
  const dot = text.lastIndexOf('.');
  const name = text.slice(dot + 1).toLowerCase();
  if (ROWID_NAMES.includes(name)) return true;
  const sources = dot < 0 ? cx.scope.filter((s) => s.columns.includes(name)) : cx.scope.filter((s) => s.alias === text.slice(0, dot));
  return sources.some((s) => s.key === name);
}

/** Whether `pattern` is a string literal that starts with % or _ or a digit. */
function wildcardFirst(pattern: SqlNode): boolean {
  return /^'[%_0-9]/.test(render(pattern).sql);
}

function caseExpr(cx: Cx, d: number): SqlNode {
  const prng = cx.prng;
  const kids: SqlNode[] = [];
  const parts: string[] = ['CASE '];
  const base = prng.chance(0.4) ? expr(cx, d - 1) : null;
  if (base) {
    kids.push(base);
    parts.push(' ');
  }
  for (let n = prng.range(1, 3); n > 0; n--) {
    parts[parts.length - 1] += 'WHEN ';
    kids.push(expr(cx, d - 1));
    parts.push(' THEN ');
    kids.push(expr(cx, d - 1));
    parts.push(' ');
  }
  if (prng.chance(0.6)) {
    parts[parts.length - 1] += 'ELSE ';
    kids.push(expr(cx, d - 1));
    parts.push(' ');
  }
  parts[parts.length - 1] += 'END';
  return exprNode(parts, kids, 'case');
}

// ---- functions ----------------------------------------------------------------------------------

type ArgKind = 'any' | 'small' | 'text';
/** Name, then the kinds of its arguments; a trailing number is how many of the last ones are optional. */
const FUNCTIONS: [string, ArgKind[], number][] = [
  ['abs', ['any'], 0], ['coalesce', ['any', 'any', 'any', 'any'], 2], ['ifnull', ['any', 'any'], 0],
  ['iif', ['any', 'any', 'any'], 1], ['nullif', ['any', 'any'], 0], ['length', ['any'], 0], ['octet_length', ['any'], 0],
  ['lower', ['any'], 0], ['upper', ['any'], 0], ['substr', ['any', 'small', 'small'], 1], ['substring', ['any', 'small', 'small'], 1],
  ['instr', ['any', 'any'], 0], ['replace', ['any', 'any', 'any'], 0], ['trim', ['any', 'text'], 1], ['ltrim', ['any', 'text'], 1],
  ['rtrim', ['any', 'text'], 1], ['round', ['any', 'small'], 1], ['typeof', ['any'], 0], ['hex', ['any'], 0],
  ['quote', ['any'], 0], ['unicode', ['any'], 0], ['char', ['small', 'small', 'small'], 3], ['min', ['any', 'any', 'any'], 1],
  ['max', ['any', 'any', 'any'], 1], ['sign', ['any'], 0], ['concat', ['any', 'any', 'any'], 2], ['concat_ws', ['text', 'any', 'any', 'any'], 2],
  ['unhex', ['any', 'text'], 1], ['likely', ['any'], 0], ['unlikely', ['any'], 0], ['soundex', ['any'], 0], ['zeroblob', ['small'], 0],
  ['glob', ['text', 'any'], 0], ['like', ['text', 'any', 'text'], 1], ['printf', ['text', 'any', 'any'], 2], ['format', ['text', 'any'], 1],
];

const PRINTF_FORMATS = [
  '%d', '%5d', '%-5d|', '%05d', '%x', '%X', '%o', '%s', '%.3s', '%10s|', '%-10s|', '%f', '%.2f', '%e', '%.3e', '%g', '%c',
  '%q', '%Q', '%w', '%%', '%i', '%u', '%lld', '%,d', '%+d', '% d', '%#x', '%.0f', '%10.4f', '%!d', '%s-%s', '%d:%x', '%.10g', '%G', '%E', '%z',
];

function argument(cx: Cx, kind: ArgKind, d: number, fn: string): SqlNode {
  const prng = cx.prng;
  if (kind === 'small' && prng.chance(0.7)) return literal(int(BigInt(prng.range(-3, 8))));
  if (kind === 'text' && prng.chance(0.7)) {
    if (fn === 'printf' || fn === 'format') return leaf(textLiteral(prng.pick(PRINTF_FORMATS)), { expr: true });
    if (fn === 'glob' || fn === 'like') return leaf(textLiteral(prng.pick(LIKE_PATTERNS)), { expr: true });
    return leaf(textLiteral(prng.pick(['a', ' ', 'ab', 'x', ',', '', '12', ' a'])), { expr: true });
  }
  if (fn === 'zeroblob') return literal(int(BigInt(prng.range(0, 4))));
  return expr(cx, d - 1);
}

function functionExpr(cx: Cx, d: number): SqlNode {
  const [name, kinds, optional] = cx.prng.pick(FUNCTIONS);
  const count = kinds.length - cx.prng.range(0, optional);
  const args: SqlNode[] = [];
  for (let i = 0; i < count; i++) args.push(argument(cx, kinds[i]!, d, name));
  if (name === 'like' && args.length === 3 && !has(cx, 'escape_expression')) args[2] = leaf(textLiteral(cx.prng.pick(['\\', '|', 'x'])), { expr: true });
  if (name === 'like' && !has(cx, 'rowid_like_prefix')) while (readsRowid(cx, args[1]!) && !wildcardFirst(args[0]!)) args[1] = argument(cx, 'any', d, name);
  return call(cx.prng.chance(0.1) ? name.toUpperCase() : name, args, 'functions');
}

function aggregateCall(cx: Cx): SqlNode {
  const prng = cx.prng;
  const row: Cx = { ...cx, mode: 'row' };
  const arg = (): SqlNode => expr(row, prng.range(0, 2));
  const names = ['count', 'sum', 'total', 'avg', 'min', 'max', 'count'];
  if (has(cx, 'group_concat')) names.push('group_concat');
  const name = prng.pick(names);
  if (name === 'count' && prng.chance(0.4)) return exprNode(['count(*)'], [], 'aggregate');
  if (name === 'group_concat') {
    const args = prng.chance(0.5) ? [arg()] : [arg(), leaf(textLiteral(prng.pick(['-', '', ', '])), { expr: true })];
    if (cx.fixedScan && prng.chance(0.7)) return call(name, args, 'group_concat');
    return { ...call(name, args, 'group_concat'), tag: 'sortedArgs' };
  }
  const operand = name === 'sum' ? sumOperand(cx, arg) : arg();
  if (prng.chance(0.1)) return exprNode([`${name}(DISTINCT `, ')'], [operand], 'aggregate');
  return call(name, [operand], 'aggregate');
}

/**
 * The argument of sum(). Whether an intermediate integer sum overflows (an error) depends on the order
 * rows reach it, and a REAL among the rows makes later ones add as REALs: both follow the plan
 * (join order, index or table scan, sorted groups) wherever the order is not fixed (FOUND.md). There,
 * without `sum_order_overflow`, the argument is taken modulo 2^32, so no sum of the generated rows
 * (far fewer than 2^31) can overflow in any order.
 */
function sumOperand(cx: Cx, arg: () => SqlNode): SqlNode {
  if (cx.fixedScan || has(cx, 'sum_order_overflow')) return arg();
  return exprNode(['(', ' % 4294967296)'], [arg()]);
}

// ---- subqueries ---------------------------------------------------------------------------------

function usableSubquery(cx: Cx): boolean {
  return cx.mode === 'row' && cx.subqueryDepth < 2 && cx.relations.some((r) => r.rowid);
}

/** A scalar, IN or EXISTS subquery over one table, correlated with the outer scope half the time. */
function subqueryExpr(cx: Cx, d: number): SqlNode {
  const prng = cx.prng;
  const relation = prng.pick(cx.relations.filter((r) => r.rowid));
  const alias = `s${++cx.aliases.n}`;
  const inner: Cx = {
    ...cx,
    scope: prng.chance(0.5) ? [{ alias, columns: relation.columns, rowid: true, key: relation.key }, ...cx.scope] : [{ alias, columns: relation.columns, rowid: true, key: relation.key }],
    subqueryDepth: cx.subqueryDepth + 1,
    mode: 'row',
    keys: [],
    fixedScan: false,
  };
  // Without `short_circuit_error`, the WHERE never calls abs(): which outer rows reach a subquery
  // is a planner decision, so whether its "integer overflow" is raised is too (FOUND.md).
  let condition = expr(inner, Math.min(d, 2));
  while (!has(cx, 'short_circuit_error') && /\babs\(/i.test(render(condition).sql)) condition = expr(inner, Math.min(d, 2));
  const where = prng.chance(0.7) ? seq(' WHERE ', condition) : null;
  if (where) where.optional = true;
  const from = ` FROM ${relation.name} AS ${alias}`;
  const kind = prng.pick(['scalar', 'in', 'exists']);
  if (kind === 'exists') {
    const node = seq(prng.chance(0.3) ? '(NOT EXISTS (SELECT 1' : '(EXISTS (SELECT 1', from, where, '))');
    return { ...node, expr: true, tag: 'subquery', feature: 'subquery' };
  }
  if (kind === 'in') {
    const node = seq('(', expr(cx, d - 1), prng.chance(0.3) ? ' NOT IN (SELECT ' : ' IN (SELECT ', expr(inner, 1), from, where, '))');
    return { ...node, expr: true, tag: 'subquery', feature: 'subquery' };
  }
  if (has(cx, 'aggregate') && prng.chance(0.5)) {
    // An aggregate whose arguments read only outer columns belongs to the outer query (FOUND.md):
    // without `outer_aggregate` the arguments read the subquery's own table only.
    const own = has(cx, 'outer_aggregate') ? inner.scope : inner.scope.slice(0, 1);
    const node = seq('(SELECT ', aggregateCall({ ...inner, scope: own, mode: 'group' }), from, where, ')');
    return { ...node, expr: true, tag: 'subquery', feature: 'subquery' };
  }
  const node = seq('(SELECT ', expr(inner, 1), from, where, ` ORDER BY ${alias}.rowid LIMIT 1)`);
  return { ...node, expr: true, tag: 'subquery', feature: 'subquery' };
}

// ---- window functions ---------------------------------------------------------------------------

/**
 * A window function call in a result column. Over one table (not grouped) the window's ORDER BY
 * mostly ends with the rowid, which makes the order within each partition total, so every function
 * and ROWS frames are deterministic. Elsewhere peers' order is left to the engine (joins may be planned in
 * different orders), so only functions that depend on peers as a whole appear: the rank family and
 * count(), with RANGE or GROUPS frames.
 */
function windowCall(cx: Cx): SqlNode {
  const prng = cx.prng;
  const table = cx.mode === 'row' && cx.scope.length === 1 && cx.scope[0]!.rowid ? cx.scope[0]! : null;
  const exact = table !== null && prng.chance(0.7) ? table : null;
  const arg = (): SqlNode => expr(cx, prng.range(0, 2));
  const small = (lo: number, hi: number): SqlNode => literal(int(BigInt(prng.range(lo, hi))));
  /** An aggregate call, with FILTER now and then. */
  const aggregate = (fn: SqlNode): SqlNode => (prng.chance(0.2) ? seq(fn, ' FILTER (WHERE ', expr(cx, 1), ')') : fn);
  const peerwise: (() => SqlNode)[] = [
    () => call(prng.pick(['rank', 'dense_rank', 'percent_rank', 'cume_dist']), []),
    () => aggregate(exprNode(['count(*)'], [])),
    () => aggregate(call('count', [arg()])),
  ];
  const ordered: (() => SqlNode)[] = [
    () => call('row_number', []),
    () => call('ntile', [small(1, 4)]),
    () => call(prng.pick(['lag', 'lead']), prng.chance(0.5) ? [arg()] : [arg(), small(0, 3), arg()]),
    () => call(prng.pick(['first_value', 'last_value']), [arg()]),
    () => call('nth_value', [arg(), small(1, 3)]),
    () => aggregate(call(prng.pick(['sum', 'total', 'avg', 'min', 'max']), [arg()])),
  ];
  const fn = prng.pick(exact ? [...peerwise, ...ordered] : peerwise)();
  return { ...seq(fn, ' OVER (', windowSpec(cx, exact), ')'), expr: true, feature: 'window' };
}

/** `PARTITION BY … ORDER BY … frame`; `exact` is the table whose rowid ends the ORDER BY, if any. */
function windowSpec(cx: Cx, exact: Source | null): SqlNode {
  const prng = cx.prng;
  const partition: SqlNode[] = [];
  for (let n = prng.chance(0.5) ? prng.range(1, 2) : 0; n > 0; n--) partition.push(expr(cx, 1));
  const terms: SqlNode[] = [];
  for (let n = prng.chance(0.75) ? prng.range(1, 2) : 0; n > 0; n--) {
    const direction = prng.chance(0.3) ? prng.pick([' DESC', ' ASC', ' DESC NULLS FIRST', ' NULLS LAST']) : '';
    terms.push(seq(expr(cx, 1), direction));
  }
  if (exact) terms.push(leaf(`${exact.alias}.rowid`));
  const frame = terms.length > 0 && prng.chance(0.6) ? leaf(frameClause(cx, exact !== null, terms.length === 1)) : null;
  return seq(list('PARTITION BY ', partition, ', ', ' '), list('ORDER BY ', terms, ', ', ' '), frame);
}

/** A frame clause; ROWS only when the order is total, offsets with RANGE only over one ORDER BY term. */
function frameClause(cx: Cx, total: boolean, oneTerm: boolean): string {
  const prng = cx.prng;
  const units = prng.pick(total ? ['ROWS', 'RANGE', 'GROUPS'] : ['RANGE', 'GROUPS']);
  const offsets = units !== 'RANGE' || oneTerm;
  const bound = (end: boolean): string => {
    const r = prng.float();
    if (offsets && r < 0.5) return `${prng.pick(['0', '1', '1', '2', '3', '1.5'])} ${prng.pick(['PRECEDING', 'FOLLOWING'])}`;
    if (r < 0.75) return 'CURRENT ROW';
    return end ? 'UNBOUNDED FOLLOWING' : 'UNBOUNDED PRECEDING';
  };
  const exclude = prng.chance(0.2) ? ` EXCLUDE ${prng.pick(['NO OTHERS', 'CURRENT ROW', 'GROUP', 'TIES'])}` : '';
  return `${units} BETWEEN ${bound(false)} AND ${bound(true)}${exclude}`;
}

// ---- SELECT -------------------------------------------------------------------------------------

function relationsOf(scenario: Scenario): Relation[] {
  return scenario.tables.map((t: TableSpec) => ({
    name: t.name,
    columns: t.columns.map((c) => c.name),
    rowid: true,
    indexed: scenario.indexes.some((ix) => ix.table === t.name),
    key: t.columns.find((c) => c.ipk)?.name,
  }));
}

function baseCx(prng: Prng, features: FeatureSet, scenario: Scenario): Cx {
  return { prng, features, relations: relationsOf(scenario), scope: [], mode: 'row', keys: [], subqueryDepth: 0, aliases: { n: 0 } };
}

/** WITH clause: plain CTEs over a table, or a recursive counter; each becomes a relation. */
function withClause(cx: Cx): SqlNode | null {
  const prng = cx.prng;
  const ctes: SqlNode[] = [];
  let recursive = false;
  for (let n = prng.range(1, 2); n > 0; n--) {
    const name = `c${ctes.length + 1}`;
    if (prng.chance(0.3)) {
      recursive = true;
      const limit = prng.range(0, 6);
      ctes.push(leaf(`${name}(n) AS (SELECT ${prng.pick(['1', '0', "'a'", '1.5'])} UNION ALL SELECT n + 1 FROM ${name} WHERE n < ${limit})`));
      cx.relations.push({ name, columns: ['n'], rowid: false });
      continue;
    }
    const table = prng.pick(cx.relations.filter((r) => r.rowid));
    const inner: Cx = { ...cx, scope: [{ alias: table.name, columns: table.columns, rowid: true, key: table.key }] };
    const width = prng.range(1, 3);
    const columns = Array.from({ length: width }, (_, i) => `m${i + 1}`);
    const exprs = list('', columns.map(() => cteColumn(inner)), ', ', '');
    const where = prng.chance(0.5) ? seq(' WHERE ', expr(inner, 2)) : null;
    ctes.push({ ...seq(`${name}(${columns.join(', ')}) AS (SELECT `, exprs, ` FROM ${table.name}`, where, ')'), tag: 'subquery' });
    cx.relations.push({ name, columns, rowid: false });
  }
  return { ...list(recursive ? 'WITH RECURSIVE ' : 'WITH ', ctes, ', ', ' '), feature: 'cte' };
}

/**
 * A result column of a plain CTE. SQLite never evaluates a column the outer query does not read (the
 * flattener drops it), so without `short_circuit_error` none raises an error when evaluated: no abs(),
 * and no unwrapped sum() (see sumOperand) (FOUND.md).
 */
function cteColumn(cx: Cx): SqlNode {
  const erring = has(cx, 'sum_order_overflow') ? /\b(abs|sum)\(/i : /\babs\(/i;
  let e = expr(cx, 2);
  while (!has(cx, 'short_circuit_error') && erring.test(render(e).sql)) e = expr(cx, 2);
  return e;
}

/**
 * An ON clause, or the WHERE of a join. Which rows reach such a term is the join order's choice (SQLite
 * may loop over an empty table first and never evaluate it), so without `short_circuit_error` it
 * never calls abs(), which raises "integer overflow" (FOUND.md).
 */
function planTerm(cx: Cx, depth: number): SqlNode {
  let e = expr(cx, depth);
  while (!has(cx, 'short_circuit_error') && /\babs\(/i.test(render(e).sql)) e = expr(cx, depth);
  return e;
}

/** FROM clause with its sources added to `cx.scope`; null when the query reads no table. */
function fromClause(cx: Cx): SqlNode | null {
  const prng = cx.prng;
  const joins = has(cx, 'join') || has(cx, 'leftjoin');
  const r = prng.float();
  const count = r < 0.05 ? 0 : r < 0.6 || !joins ? 1 : r < 0.9 ? 2 : 3;
  if (count === 0) return null;
  const items: SqlNode[] = [];
  for (let i = 0; i < count; i++) {
    const relation = prng.pick(cx.relations);
    const taken = cx.scope.some((s) => s.alias === relation.name);
    const alias = taken || prng.chance(0.3) ? `q${++cx.aliases.n}` : relation.name;
    cx.scope.push({ alias, columns: relation.columns, rowid: relation.rowid, indexed: relation.indexed, key: relation.key });
    const named = alias === relation.name ? relation.name : `${relation.name} AS ${alias}`;
    if (i === 0) {
      items.push(leaf(named));
      continue;
    }
    const left = has(cx, 'leftjoin') && (!has(cx, 'join') || prng.chance(0.4));
    const op = left ? prng.pick([' LEFT JOIN ', ' LEFT OUTER JOIN ']) : prng.pick([', ', ' CROSS JOIN ', ' JOIN ', ' INNER JOIN ', ' JOIN ']);
    const on = op !== ', ' && op !== ' CROSS JOIN ' && prng.chance(0.85) ? { ...seq(' ON ', planTerm({ ...cx, qualified: !has(cx, 'bare_column_in_on') }, 2)), optional: true } : null;
    items.push({ ...seq(op, named, on), optional: true, feature: left ? 'leftjoin' : 'join' });
  }
  return list(' FROM ', items, '', '');
}

function orderTerm(cx: Cx, width: number, aliases: string[], collate: 'any' | 'always' | 'never'): SqlNode {
  const prng = cx.prng;
  const r = prng.float();
  let term: SqlNode;
  if (r < 0.45 && aliases.length > 0 && (r > 0.35 || cx.scope.length === 0)) term = leaf(prng.pick(aliases));
  else if (r < 0.35 || cx.scope.length === 0) term = leaf(String(prng.range(1, width)));
  else term = expr(cx, 2);
  let suffix = '';
  if (collate === 'always' || (collate === 'any' && prng.chance(0.25))) suffix += ` COLLATE ${prng.pick(['NOCASE', 'RTRIM', 'BINARY'])}`;
  if (prng.chance(0.45)) suffix += prng.pick([' ASC', ' DESC', ' DESC']);
  if (prng.chance(0.2)) suffix += prng.pick([' NULLS FIRST', ' NULLS LAST']);
  return { ...seq(term, suffix), optional: true };
}

function constantExpr(cx: Cx): SqlNode {
  const prng = cx.prng;
  if (prng.chance(0.75)) return literal(int(BigInt(prng.range(-1, 6))));
  return expr({ ...cx, scope: [], mode: 'row' }, 1);
}

function limitClause(cx: Cx): SqlNode {
  const offset = cx.prng.chance(0.4) ? { ...seq(' OFFSET ', constantExpr(cx)), optional: true } : null;
  return { ...seq(' LIMIT ', constantExpr(cx), offset), optional: true, tag: 'limit', feature: 'limit' };
}

/** One SELECT core, its sources added to `cx.scope`; `width` forces its number of result columns. */
function selectCore(cx: Cx, width: number | null): { node: SqlNode; width: number; aliases: string[]; grouped: boolean } {
  const prng = cx.prng;
  const from = fromClause(cx);
  const grouped = has(cx, 'aggregate') && prng.chance(0.3);
  const whereDepth = prng.range(1, 3);
  const whereTerm = (): SqlNode => (cx.scope.length > 1 ? planTerm(cx, whereDepth) : expr(cx, whereDepth));
  const where = has(cx, 'where') && cx.scope.length > 0 && prng.chance(0.55) ? { ...seq(' WHERE ', whereTerm()), optional: true, feature: 'where' as const } : null;
  let groupBy: SqlNode | null = null;
  let having: SqlNode | null = null;
  if (grouped && has(cx, 'groupby') && cx.scope.length > 0 && prng.chance(0.7)) {
    const keys: SqlNode[] = [];
    for (let n = prng.range(1, 2); n > 0; n--) keys.push(prng.chance(0.7) ? columnExpr(cx) : expr(cx, 1));
    cx.keys = keys;
    groupBy = { ...list(' GROUP BY ', keys.map((k) => structuredClone(k)), ', ', ''), feature: 'groupby', tag: 'groupBy' };
  }
  if (grouped) cx.mode = 'group';
  cx.fixedScan = groupBy === null && cx.scope.length === 1 && cx.scope[0]!.rowid && !cx.scope[0]!.indexed;
  const numberedGroups = groupBy !== null && cx.keys.some((k) => numberLike(k) || find(k, (n) => n.tag === 'column') === undefined);
  if (groupBy && prng.chance(0.4)) having = { ...seq(' HAVING ', expr(cx, 2)), optional: true, feature: 'groupby' };
  const columns: SqlNode[] = [];
  const aliases: string[] = [];
  let w = 0;
  const target = width ?? prng.range(1, 4);
  while (w < target) {
    if (width === null && !grouped && cx.scope.length > 0 && prng.chance(0.08)) {
      const source = prng.chance(0.5) ? prng.pick(cx.scope) : null;
      const starWidth = source ? source.columns.length : cx.scope.reduce((n, s) => n + s.columns.length, 0);
      columns.push(leaf(source ? `${source.alias}.*` : '*', { optional: true, width: starWidth }));
      w += starWidth;
      continue;
    }
    const e = has(cx, 'window') && prng.chance(0.2) && (!numberedGroups || has(cx, 'window_group_number')) ? windowCall(cx) : expr(cx, prng.range(0, 3));
    if (prng.chance(0.25)) {
      const alias = `r${aliases.length + 1}`;
      aliases.push(alias);
      columns.push({ ...seq(e, ` AS ${alias}`), optional: true });
    } else {
      columns.push({ ...e, optional: true });
    }
    w++;
  }
  // Without GROUP BY, only an aggregate among the result columns makes the query an aggregate one; an
  // aggregate in ORDER BY alone is an error SQLite skips when its plan needs no sort (FOUND.md).
  if (grouped && groupBy === null && !columns.some((c) => usesAggregate(c))) {
    const alias = columns[0]!.parts[columns[0]!.parts.length - 1]!.match(/ AS r\d+$/)?.[0] ?? '';
    columns[0] = alias ? { ...seq(aggregateCall(cx), alias), optional: true } : { ...aggregateCall(cx), optional: true };
  }
  const distinct = has(cx, 'distinct') && prng.chance(0.15) ? leaf('DISTINCT ', { optional: true, tag: 'distinct', feature: 'distinct' }) : null;
  const node = seq('SELECT ', distinct, list('', columns, ', ', '', { tag: 'columns' }), from, where, groupBy, having);
  return { node, width: w, aliases, grouped };
}

/**
 * Whether GROUP BY term `node` is an integer, or likely(n) or unlikely(n) of one: SQLite's rewrite of a
 * query with window functions reads such a term (or the integer a column number stands for) as a
 * column number of the rewritten query (FOUND.md). A constant term that is also a result column is
 * remapped the same way; selectCore keeps window functions out of a core with either.
 */
function numberLike(node: SqlNode): boolean {
  return /^(\(?[-+]?(\d+|0x[0-9a-f]+)\)?|(un)?likely\(\(?[-+]?(\d+|0x[0-9a-f]+)\)?\))$/i.test(render(node).sql);
}

/** Whether `node` calls an aggregate function (outside subqueries). */
function usesAggregate(node: SqlNode): boolean {
  const aggregate = (n: SqlNode): boolean => n.feature === 'aggregate' || n.feature === 'group_concat';
  return aggregate(node) || find(node, aggregate) !== undefined;
}

/** A random query statement. */
export function randomSelect(prng: Prng, features: FeatureSet, scenario: Scenario): SqlNode {
  const cx = baseCx(prng, features, scenario);
  const withNode = has(cx, 'cte') && prng.chance(0.25) ? withClause(cx) : null;
  const compound = has(cx, 'compound') && prng.chance(0.2);
  const firstCx: Cx = { ...cx, scope: [] };
  const first = selectCore(firstCx, compound ? prng.range(1, 3) : null);
  const items: (string | SqlNode | null)[] = [withNode, first.node];
  let deduplicating = false;
  if (compound) {
    const ops: string[] = [];
    for (let n = prng.range(1, 2); n > 0; n--) ops.push(prng.pick(['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT', 'UNION ALL']));
    deduplicating = ops.some((o) => o !== 'UNION ALL');
    ops.forEach((op, i) => {
      // SQLite runs a compound with a COLLATE in ORDER BY as `SELECT * FROM (compound)`, and moves the
      // last member's DISTINCT, GROUP BY and HAVING to that outer SELECT (FOUND.md): under
      // `compound_collate_rewrite` the last member of a compound that is not all UNION ALL has none.
      const last = i === ops.length - 1 && deduplicating && has(cx, 'compound_collate_rewrite');
      const features = last ? new Set([...cx.features].filter((f) => f !== 'distinct' && f !== 'groupby')) : cx.features;
      const member = selectCore({ ...cx, features, scope: [], keys: [] }, first.width).node;
      items.push({ ...seq(` ${op} `, member), optional: true, feature: 'compound', tag: op === 'UNION ALL' ? undefined : 'setop' });
    });
  }
  if (has(cx, 'orderby') && prng.chance(0.5)) {
    // A compound's ORDER BY may only name result columns; a core's may use any expression of its scope.
    // With DISTINCT, a term outside the result would sort by a value of an unspecified row of each group.
    const resultOnly = compound || find(first.node, (n) => n.tag === 'distinct') !== undefined;
    const orderCx: Cx = resultOnly ? { ...cx, scope: [] } : firstCx;
    const terms: SqlNode[] = [];
    // A COLLATE in the ORDER BY of a compound that is not all UNION ALL makes SQLite run it as
    // `SELECT * FROM (compound)`, which changes its result (FOUND.md items 4, 6, 11): such a compound's
    // terms carry no COLLATE, or with `compound_collate_rewrite` every one does (a term without one
    // sorts by a collation that depends on whether SQLite can flatten the subquery back).
    const collate = !deduplicating ? 'any' : has(cx, 'compound_collate_rewrite') ? 'always' : 'never';
    for (let n = prng.range(1, 3); n > 0; n--) terms.push(orderTerm(orderCx, first.width, first.aliases, collate));
    items.push(list(' ORDER BY ', terms, ', ', '', { tag: 'orderBy', feature: 'orderby', plainTies: collate === 'never' }));
  }
  if (has(cx, 'limit') && prng.chance(0.25)) items.push(limitClause(cx));
  return { ...seq(...items), tag: 'select' };
}

// ---- writing statements -------------------------------------------------------------------------

/** A random INSERT, UPDATE or DELETE (as the features allow), or null when none is enabled. */
export function randomWrite(prng: Prng, features: FeatureSet, scenario: Scenario): SqlNode | null {
  const cx = baseCx(prng, features, scenario);
  const kinds: string[] = [];
  if (has(cx, 'insert')) kinds.push('insert');
  if (has(cx, 'insert_or')) kinds.push('insert_or');
  if (has(cx, 'dml')) kinds.push('update', 'delete');
  if (kinds.length === 0) return null;
  const kind = prng.pick(kinds);
  const table = prng.pick(scenario.tables);
  cx.scope = [{ alias: table.name, columns: table.columns.map((c) => c.name), rowid: true, key: table.columns.find((c) => c.ipk)?.name }];
  const where = (): SqlNode | null => (prng.chance(0.7) ? { ...seq(' WHERE ', expr(cx, 2)), optional: true, feature: 'where' } : null);
  if (kind === 'delete') return { ...seq(`DELETE FROM ${table.name}`, where()), tag: 'dml', feature: 'dml' };
  if (kind === 'update') {
    const or = has(cx, 'insert_or') && prng.chance(0.3) ? `OR ${prng.pick(['REPLACE', 'IGNORE'])} ` : '';
    const sets: SqlNode[] = [];
    const cols = table.columns.slice();
    for (let n = prng.range(1, Math.min(2, cols.length)); n > 0; n--) {
      const c = cols.splice(prng.int(cols.length), 1)[0]!;
      // Under OR IGNORE/REPLACE a non-integer key's "datatype mismatch" keeps earlier rows' changes in SQLite (FOUND.md).
      const keyLiteral = c.ipk && (prng.chance(0.6) || (or !== '' && !has(cx, 'or_mismatch_partial')));
      sets.push({ ...seq(`${c.name} = `, keyLiteral ? literal(int(BigInt(prng.range(-2, 12)))) : expr(cx, 2)), optional: true });
    }
    return { ...seq(`UPDATE ${or}${table.name} SET `, list('', sets, ', ', ''), where()), tag: 'dml', feature: 'dml' };
  }
  const or = kind === 'insert_or' ? `OR ${prng.pick(['REPLACE', 'IGNORE'])} ` : '';
  const feature: Feature = kind === 'insert_or' ? 'insert_or' : 'insert';
  if (prng.chance(0.05)) return { ...leaf(`INSERT ${or}INTO ${table.name} DEFAULT VALUES`), tag: 'dml', feature };
  const constant: Cx = { ...cx, scope: [] };
  const targets = prng.chance(0.5) ? table.columns : table.columns.filter(() => prng.chance(0.6));
  const rows: SqlNode[] = [];
  // An INTEGER PRIMARY KEY gets NULL or a small key (a largest-rowid key would make SQLite pick a
  // random rowid for the NULL ones).
  for (let n = prng.range(1, 3); n > 0; n--) {
    const key = (): SqlNode => (prng.chance(0.2) ? literal(null) : literal(int(randomInt(prng) % 16n)));
    const values = targets.map((c) => (c.ipk ? key() : expr(constant, prng.range(0, 2))));
    rows.push({ ...list('(', values, ', ', ')'), optional: true });
  }
  const columnList = targets.length === table.columns.length && prng.chance(0.5) ? '' : `(${targets.map((c) => c.name).join(', ')})`;
  if (targets.length === 0) return { ...leaf(`INSERT ${or}INTO ${table.name} DEFAULT VALUES`), tag: 'dml', feature };
  return { ...seq(`INSERT ${or}INTO ${table.name}${columnList} VALUES `, list('', rows, ', ', '')), tag: 'dml', feature };
}
