/**
 * SELECT (sqlite.org/lang_select.html): WITH clauses, compound selects, simple selects and VALUES,
 * result columns, FROM clauses with their joins, and ORDER BY / LIMIT.
 *
 * SQLite's grammar lets every simple select of a compound carry its own ORDER BY and LIMIT and
 * only afterwards rejects them on any but the last ("ORDER BY clause should come after UNION not
 * before"); the parser does the same, so the error and the point where it is raised match.
 */
import type {
  CommonTableExpr,
  CompoundPart,
  Expr,
  FromClause,
  FromTerm,
  Identifier,
  IndexHint,
  JoinConstraint,
  JoinOperator,
  Limit,
  OrderingTerm,
  ResultColumn,
  Select,
  SelectCore,
  TableSource,
  WindowDef,
  WithClause,
} from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { JOIN_KEYWORDS } from './keywords.js';
import { type Parser, isIds, isNm } from './parser.js';
import {
  atPlainName,
  parseExpr,
  parseExprList,
  parseOrderingTerms,
  parseWindowBody,
} from './parse-expr.js';
import type { Token, TokenType } from './tokenizer.js';

/** Whether a token begins a select: SELECT, VALUES or WITH. */
export function isSelectStart(t: TokenType): boolean {
  return t === 'SELECT' || t === 'VALUES' || t === 'WITH';
}

/** Parses a select, with its WITH clause if it has one. */
export function parseSelect(p: Parser): Select {
  const start = p.tok.start;
  const withClause = p.at('WITH') ? parseWith(p) : null;
  return parseSelectBody(p, start, withClause);
}

/** Parses the select after its WITH clause (already parsed into `withClause`), from `start`. */
export function parseSelectBody(p: Parser, start: number, withClause: WithClause | null): Select {
  p.enter(3);
  let core = parseCore(p);
  const first = core.core;
  const compounds: CompoundPart[] = [];
  let misplaced: { clause: string; op: CompoundPart['op']; at: number } | null = null;
  for (;;) {
    const opStart = p.tok.start;
    const op = compoundOperator(p);
    if (op === null) break;
    if (core.orderBy.length > 0 || core.limit) {
      misplaced = { clause: core.orderBy.length > 0 ? 'ORDER BY' : 'LIMIT', op, at: opStart };
    }
    core = parseCore(p);
    compounds.push({ op, select: core.core, start: opStart, end: p.lastEnd });
  }
  if (misplaced) {
    const message = `${misplaced.clause} clause should come after ${misplaced.op} not before`;
    p.deferError(new SqlSyntaxError(message, misplaced.at));
  }
  p.leave(3);
  const { orderBy, limit } = core;
  const end = p.lastEnd;
  return { kind: 'select', with: withClause, first, compounds, orderBy, limit, start, end };
}

function compoundOperator(p: Parser): CompoundPart['op'] | null {
  if (p.accept('UNION')) return p.accept('ALL') ? 'UNION ALL' : 'UNION';
  if (p.accept('INTERSECT')) return 'INTERSECT';
  if (p.accept('EXCEPT')) return 'EXCEPT';
  return null;
}

/** `WITH [RECURSIVE] name [(columns)] AS [[NOT] MATERIALIZED] (select), …`. */
export function parseWith(p: Parser): WithClause {
  const start = p.expect('WITH').start;
  const recursive = p.accept('RECURSIVE');
  const ctes = [parseCte(p)];
  while (p.accept(',')) ctes.push(parseCte(p));
  return { recursive, ctes, start, end: p.lastEnd };
}

function parseCte(p: Parser): CommonTableExpr {
  const start = p.tok.start;
  const name = p.nm();
  const columns = p.at('(') ? parseColumnNames(p) : null;
  p.expect('AS');
  let materialized: boolean | null = null;
  if (p.accept('MATERIALIZED')) {
    materialized = true;
  } else if (p.accept('NOT')) {
    p.expect('MATERIALIZED');
    materialized = false;
  }
  p.expect('(');
  const select = parseSelect(p);
  p.expect(')');
  return { name, columns, materialized, select, start, end: p.lastEnd };
}

/**
 * `(name, …)`: the column names of a view, a common table expression or a foreign key. SQLite's
 * grammar accepts `name COLLATE x ASC` here only to report "syntax error after column name".
 */
export function parseColumnNames(p: Parser): Identifier[] {
  p.expect('(');
  const names: Identifier[] = [];
  do {
    const name = p.nm();
    let decorated = false;
    if (p.accept('COLLATE')) {
      p.ids();
      decorated = true;
    }
    if (p.accept('ASC') || p.accept('DESC')) decorated = true;
    if (decorated) {
      const message = `syntax error after column name "${p.text(name)}"`;
      p.deferError(new SqlSyntaxError(message, name.start));
    }
    names.push(name);
  } while (p.accept(','));
  p.expect(')');
  return names;
}

/** A simple select or VALUES list, with the ORDER BY and LIMIT a simple select may carry. */
function parseCore(p: Parser): { core: SelectCore; orderBy: OrderingTerm[]; limit: Limit | null } {
  const start = p.tok.start;
  if (p.accept('VALUES')) {
    const rows = [parseRow(p)];
    while (p.accept(',')) rows.push(parseRow(p));
    return { core: { kind: 'values', rows, start, end: p.lastEnd }, orderBy: [], limit: null };
  }
  p.expect('SELECT');
  let distinct = false;
  if (p.accept('DISTINCT')) distinct = true;
  else p.accept('ALL');
  const columns = parseResultColumns(p);
  const from = p.accept('FROM') ? parseFrom(p) : null;
  const where = p.accept('WHERE') ? parseExpr(p) : null;
  let groupBy: Expr[] = [];
  if (p.accept('GROUP')) {
    p.expect('BY');
    groupBy = parseExprList(p);
  }
  const having = p.accept('HAVING') ? parseExpr(p) : null;
  const windows = p.at('WINDOW') ? parseWindowClause(p) : [];
  const end = p.lastEnd;
  const core: SelectCore = {
    kind: 'simpleSelect', distinct, columns, from, where, groupBy, having, windows, start, end,
  };
  return { core, orderBy: parseOrderBy(p), limit: parseLimit(p) };
}

function parseRow(p: Parser): Expr[] {
  p.expect('(');
  const row = parseExprList(p);
  p.expect(')');
  return row;
}

/** `WINDOW name AS (window), …`. */
function parseWindowClause(p: Parser): WindowDef[] {
  p.expect('WINDOW');
  const defs: WindowDef[] = [];
  do {
    const name = p.nm();
    p.expect('AS');
    const window = parseWindowBody(p, p.expect('(').start);
    defs.push({ name, window, start: name.start, end: p.lastEnd });
  } while (p.accept(','));
  return defs;
}

/** An optional `ORDER BY terms`. */
export function parseOrderBy(p: Parser): OrderingTerm[] {
  if (!p.accept('ORDER')) return [];
  p.expect('BY');
  return parseOrderingTerms(p);
}

/** An optional `LIMIT count [OFFSET offset]` or `LIMIT offset, count`. */
export function parseLimit(p: Parser): Limit | null {
  const start = p.tok.start;
  if (!p.accept('LIMIT')) return null;
  const first = parseExpr(p);
  if (p.accept('OFFSET')) return { count: first, offset: parseExpr(p), start, end: p.lastEnd };
  if (p.accept(',')) return { count: parseExpr(p), offset: first, start, end: p.lastEnd };
  return { count: first, offset: null, start, end: p.lastEnd };
}

/** Result columns: `*`, `table.*` or `expr [[AS] alias]`, separated by commas. */
export function parseResultColumns(p: Parser): ResultColumn[] {
  const columns: ResultColumn[] = [];
  do {
    const start = p.tok.start;
    if (p.accept('*')) {
      columns.push({ kind: 'star', start, end: p.lastEnd });
      continue;
    }
    if (atPlainName(p)) {
      const dot = p.peekAfter(p.tok);
      if (dot.type === '.' && p.peekAfter(dot).type === '*') {
        const table = p.identifier(p.advance());
        p.advance();
        p.advance();
        columns.push({ kind: 'tableStar', table, start, end: p.lastEnd });
        continue;
      }
    }
    const expr = parseExpr(p);
    const alias = parseAlias(p);
    columns.push({ kind: 'expr', expr, alias, start, end: p.lastEnd });
  } while (p.accept(','));
  return columns;
}

/** An optional `AS name` or bare alias. */
function parseAlias(p: Parser): Identifier | null {
  if (p.accept('AS')) return p.nm();
  return isIds(p.tok.type) ? p.ids() : null;
}

/** A FROM clause's list of sources and joins (after FROM). */
export function parseFrom(p: Parser): FromClause {
  const start = p.tok.start;
  const terms = [parseFromTerm(p, null)];
  for (;;) {
    const join = parseJoinOperator(p);
    if (!join) break;
    terms.push(parseFromTerm(p, join));
  }
  return { terms, start, end: p.lastEnd };
}

function parseFromTerm(p: Parser, join: JoinOperator | null): FromTerm {
  const start = join ? join.start : p.tok.start;
  const source = parseTableSource(p);
  let constraint: JoinConstraint | null = null;
  const onStart = p.tok.start;
  if (p.accept('ON')) {
    const expr = parseExpr(p);
    constraint = { kind: 'on', expr, start: onStart, end: p.lastEnd };
  } else if (p.accept('USING')) {
    const columns = p.nameList();
    constraint = { kind: 'using', columns, start: onStart, end: p.lastEnd };
  }
  if (constraint && !join) {
    const message = `a JOIN clause is required before ${constraint.kind === 'on' ? 'ON' : 'USING'}`;
    p.deferError(new SqlSyntaxError(message, onStart));
  }
  return { join, source, constraint, start, end: p.lastEnd };
}

function parseTableSource(p: Parser): TableSource {
  const start = p.tok.start;
  if (p.accept('(')) {
    if (isSelectStart(p.tok.type)) {
      const select = parseSelect(p);
      p.expect(')');
      return { kind: 'subquery', select, alias: parseAlias(p), start, end: p.lastEnd };
    }
    p.enter(2);
    const from = parseFrom(p);
    p.leave(2);
    p.expect(')');
    return { kind: 'group', from, alias: parseAlias(p), start, end: p.lastEnd };
  }
  const { schema, name } = p.qualifiedName();
  if (p.accept('(')) {
    const args = p.at(')') ? [] : parseExprList(p);
    p.expect(')');
    const alias = parseAlias(p);
    return { kind: 'tableFunction', schema, name, args, alias, start, end: p.lastEnd };
  }
  const alias = parseAlias(p);
  const indexed = parseIndexHint(p);
  return { kind: 'table', schema, name, alias, indexed, start, end: p.lastEnd };
}

/** An optional `INDEXED BY name` or `NOT INDEXED`. */
export function parseIndexHint(p: Parser): IndexHint | null {
  const start = p.tok.start;
  if (p.accept('INDEXED')) {
    p.expect('BY');
    return { index: p.nm(), start, end: p.lastEnd };
  }
  if (p.accept('NOT')) {
    p.expect('INDEXED');
    return { index: null, start, end: p.lastEnd };
  }
  return null;
}

/** The join keywords' meanings, as flags. */
const NATURAL = 1, LEFT = 2, RIGHT = 4, OUTER = 8, INNER = 16, CROSS = 32;
const JOIN_WORDS: ReadonlyMap<string, number> = new Map([
  ['natural', NATURAL],
  ['left', LEFT | OUTER],
  ['outer', OUTER],
  ['right', RIGHT | OUTER],
  ['full', LEFT | RIGHT | OUTER],
  ['inner', INNER],
  ['cross', INNER | CROSS],
]);

/**
 * A join operator: `,`, `JOIN`, or a join keyword followed by up to two names and JOIN. SQLite's
 * grammar takes any names there and then rejects the combinations that are not join types.
 */
function parseJoinOperator(p: Parser): JoinOperator | null {
  const start = p.tok.start;
  if (p.at(',') || p.at('JOIN')) {
    const comma = p.advance().type === ',';
    return { type: 'INNER', natural: false, comma, start, end: p.lastEnd };
  }
  if (!JOIN_KEYWORDS.has(p.tok.type)) return null;
  const words: Token[] = [p.advance()];
  while (words.length < 3 && !p.at('JOIN')) {
    if (!isNm(p.tok.type)) p.fail();
    words.push(p.advance());
  }
  p.expect('JOIN');
  let flags = 0;
  let known = true;
  for (const w of words) {
    const f = JOIN_WORDS.get(p.text(w).toLowerCase());
    if (f === undefined) {
      known = false;
      break;
    }
    flags |= f;
  }
  if (
    !known ||
    (flags & (INNER | OUTER)) === (INNER | OUTER) ||
    (flags & (OUTER | LEFT | RIGHT)) === OUTER
  ) {
    const text = words.map((w) => p.text(w)).join(' ');
    p.deferError(new SqlSyntaxError(`unknown join type: ${text}`, start));
  }
  let type: JoinOperator['type'] = 'INNER';
  if ((flags & (LEFT | RIGHT)) === (LEFT | RIGHT)) type = 'FULL';
  else if (flags & LEFT) type = 'LEFT';
  else if (flags & RIGHT) type = 'RIGHT';
  else if (flags & CROSS) type = 'CROSS';
  return { type, natural: (flags & NATURAL) !== 0, comma: false, start, end: p.lastEnd };
}
