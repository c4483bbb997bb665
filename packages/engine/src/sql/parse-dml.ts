/**
 * INSERT, REPLACE, UPDATE and DELETE (sqlite.org/lang_insert.html, lang_update.html,
 * lang_delete.html), with upsert and RETURNING clauses.
 *
 * In a trigger body (`Parser.inTrigger`) these statements take SQLite's narrower trigger form: no
 * WITH, DEFAULT VALUES, RETURNING, ORDER BY or LIMIT (RETURNING on INSERT is parsed and then
 * refused, as SQLite does), and a schema-qualified table name or an INDEXED BY / NOT INDEXED clause
 * is parsed and then refused with SQLite's message.
 */
import type {
  Assignment,
  ConflictResolution,
  DeleteStmt,
  Expr,
  Identifier,
  IndexHint,
  InsertStmt,
  ResultColumn,
  TableRef,
  UpdateStmt,
  UpsertClause,
  WithClause,
} from './ast.js';
import { SqlSyntaxError } from './errors.js';
import type { Parser } from './parser.js';
import { parseExpr, parseOrderingTerms } from './parse-expr.js';
import {
  parseFrom,
  parseIndexHint,
  parseLimit,
  parseOrderBy,
  parseResultColumns,
  parseSelect,
} from './parse-select.js';

/** `ROLLBACK | ABORT | FAIL | IGNORE | REPLACE`. */
export function parseResolution(p: Parser): ConflictResolution {
  const t = p.tok.type;
  if (t !== 'ROLLBACK' && t !== 'ABORT' && t !== 'FAIL' && t !== 'IGNORE' && t !== 'REPLACE') {
    return p.fail();
  }
  p.advance();
  return t;
}

/** `INSERT [OR …] INTO …` or `REPLACE INTO …`, at INSERT or REPLACE; from `start` (a WITH). */
export function parseInsert(p: Parser, start: number, withClause: WithClause | null): InsertStmt {
  let or: ConflictResolution | null = null;
  if (p.accept('REPLACE')) {
    or = 'REPLACE';
  } else {
    p.expect('INSERT');
    if (p.accept('OR')) or = parseResolution(p);
  }
  p.expect('INTO');
  const { schema, name, alias } = parseTargetName(p);
  const columns = p.at('(') ? p.nameList() : null;
  let select = null;
  let upsert: UpsertClause[] = [];
  if (!p.inTrigger && p.accept('DEFAULT')) {
    p.expect('VALUES');
  } else {
    select = parseSelect(p);
    upsert = parseUpserts(p);
  }
  const returning = parseReturning(p);
  refuseQualifiedName(p, schema);
  return {
    kind: 'insert', with: withClause, or, schema, table: name, alias, columns, select, upsert,
    returning, start, end: p.lastEnd,
  };
}

/**
 * The upsert clauses, `ON CONFLICT [(target) [WHERE …]] DO NOTHING` or `… DO UPDATE SET …
 * [WHERE …]`. Only the last may leave out its target.
 */
function parseUpserts(p: Parser): UpsertClause[] {
  const clauses: UpsertClause[] = [];
  while (p.at('ON')) {
    const start = p.advance().start;
    p.expect('CONFLICT');
    let target = null;
    let targetWhere: Expr | null = null;
    if (p.accept('(')) {
      target = parseOrderingTerms(p);
      p.expect(')');
      if (p.accept('WHERE')) targetWhere = parseExpr(p);
    }
    p.expect('DO');
    let set: Assignment[] | null = null;
    let where: Expr | null = null;
    if (!p.accept('NOTHING')) {
      p.expect('UPDATE');
      p.expect('SET');
      set = parseAssignments(p);
      if (p.accept('WHERE')) where = parseExpr(p);
    }
    clauses.push({ target, targetWhere, set, where, start, end: p.lastEnd });
    if (!target) break;
  }
  return clauses;
}

/** `UPDATE [OR …] table SET …`, at UPDATE; `start` is where a WITH began. */
export function parseUpdate(p: Parser, start: number, withClause: WithClause | null): UpdateStmt {
  p.expect('UPDATE');
  const or = p.accept('OR') ? parseResolution(p) : null;
  const table = parseTargetTable(p);
  p.expect('SET');
  const set = parseAssignments(p);
  const from = p.accept('FROM') ? parseFrom(p) : null;
  const where = p.accept('WHERE') ? parseExpr(p) : null;
  const tail = parseStatementTail(p);
  refuseQualifiedName(p, table.schema);
  const end = p.lastEnd;
  return { kind: 'update', with: withClause, or, table, set, from, where, ...tail, start, end };
}

/** `DELETE FROM table …`, at DELETE; `start` is where a WITH began. */
export function parseDelete(p: Parser, start: number, withClause: WithClause | null): DeleteStmt {
  p.expect('DELETE');
  p.expect('FROM');
  const table = parseTargetTable(p);
  const where = p.accept('WHERE') ? parseExpr(p) : null;
  const tail = parseStatementTail(p);
  refuseQualifiedName(p, table.schema);
  return { kind: 'delete', with: withClause, table, where, ...tail, start, end: p.lastEnd };
}

/** The RETURNING, ORDER BY and LIMIT that may end an UPDATE or DELETE outside a trigger. */
function parseStatementTail(p: Parser): Pick<DeleteStmt, 'returning' | 'orderBy' | 'limit'> {
  if (p.inTrigger) return { returning: null, orderBy: [], limit: null };
  return { returning: parseReturning(p), orderBy: parseOrderBy(p), limit: parseLimit(p) };
}

/**
 * `SET` assignments: `column = expr` or `(column, …) = expr`, separated by commas. As in
 * SQLite, a parenthesized column list must be given as many values as it has columns (a subquery
 * is checked later).
 */
function parseAssignments(p: Parser): Assignment[] {
  const list: Assignment[] = [];
  do {
    const start = p.tok.start;
    const parenthesized = p.at('(');
    const columns = parenthesized ? p.nameList() : [p.nm()];
    p.expect('=');
    const value = parseExpr(p);
    const values = value.kind === 'row' ? value.items.length : 1;
    if (parenthesized && value.kind !== 'subquery' && values !== columns.length) {
      const message = `${columns.length} columns assigned ${values} values`;
      p.deferError(new SqlSyntaxError(message, start));
    }
    list.push({ columns, value, start, end: p.lastEnd });
  } while (p.accept(','));
  return list;
}

/** An optional `RETURNING columns`. */
function parseReturning(p: Parser): ResultColumn[] | null {
  if (!p.accept('RETURNING')) return null;
  const columns = parseResultColumns(p);
  if (p.inTrigger) p.deferError(new SqlSyntaxError('cannot use RETURNING in a trigger', p.lastEnd));
  return columns;
}

/** The table of an UPDATE or DELETE: `[schema.]name [AS alias] [INDEXED BY … | NOT INDEXED]`. */
function parseTargetTable(p: Parser): TableRef {
  const start = p.tok.start;
  const { schema, name, alias } = parseTargetName(p);
  const indexed = parseIndexHint(p);
  if (indexed && p.inTrigger) refuseIndexHint(p, indexed);
  return { kind: 'table', schema, name, alias, indexed, start, end: p.lastEnd };
}

/** `[schema.]name [AS alias]`: the table a statement changes. */
function parseTargetName(p: Parser): {
  schema: Identifier | null;
  name: Identifier;
  alias: Identifier | null;
} {
  const { schema, name } = p.qualifiedName();
  const alias = p.accept('AS') ? p.nm() : null;
  return { schema, name, alias };
}

function refuseIndexHint(p: Parser, hint: IndexHint): void {
  const clause = hint.index ? 'INDEXED BY' : 'NOT INDEXED';
  const message =
    `the ${clause} clause is not allowed on UPDATE or DELETE statements within triggers`;
  p.deferError(new SqlSyntaxError(message, hint.start));
}

function refuseQualifiedName(p: Parser, schema: Identifier | null): void {
  if (!schema || !p.inTrigger) return;
  const message =
    'qualified table names are not allowed on INSERT, UPDATE, and DELETE statements ' +
    'within triggers';
  p.deferError(new SqlSyntaxError(message, schema.start));
}
