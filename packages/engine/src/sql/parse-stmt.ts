/**
 * The parser's entry points, `parse` and `parseOne`, the dispatch on a statement's first keyword,
 * and the statements too small for a module of their own: EXPLAIN, transactions and savepoints,
 * PRAGMA, ATTACH, DETACH, ANALYZE, REINDEX and VACUUM.
 *
 * A statement ends at `;` or at the end of the text (a NUL character also ends it, as in SQLite).
 * Empty statements (`;;`) are skipped. `parseOne` parses one statement as sqlite3_prepare does and
 * says where the next begins, so that callers can prepare or run a script statement by statement.
 */
import type {
  AnalyzeStmt,
  AttachStmt,
  BeginStmt,
  PragmaStmt,
  PragmaValue,
  ReindexStmt,
  RollbackStmt,
  Statement,
  VacuumStmt,
} from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { Parser, TOO_DEEP, isNm } from './parser.js';
import { parseAlterTable, parseCreate, parseDrop } from './parse-ddl.js';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.js';
import { parseExpr, parseSignedNumber } from './parse-expr.js';
import { parseSelect, parseSelectBody, parseWith } from './parse-select.js';

/** The result of `parseOne`. */
export interface ParseResult {
  /** The statement, or null when only spaces, comments and semicolons remained. */
  stmt: Statement | null;
  /** Where parsing stopped: just past the statement's `;`, or at the end of the text. */
  end: number;
  /**
   * The statement's parameters by number (index 0 is ?1): each one's name as written (`:a`, `?3`),
   * or null for a number used only by a bare `?` (or not used at all).
   */
  parameters: (string | null)[];
}

/**
 * Parses the first statement of `sql` at or after offset `from`. Throws a `SqlSyntaxError` worded
 * as SQLite words it when the statement is not valid SQL.
 */
export function parseOne(sql: string, from = 0): ParseResult {
  // Like SQLite reading UTF-16 text (sqlite3_prepare16), skip a byte-order mark at the start.
  const p = new Parser(sql, from === 0 && sql.charCodeAt(0) === 0xfeff ? 1 : from);
  while (p.at(';')) p.advance();
  if (p.at('EOF')) return { stmt: null, end: p.tok.start, parameters: [] };
  let stmt: Statement;
  try {
    stmt = parseStatement(p);
  } catch (e) {
    // MAX_DEPTH keeps the recursion within a default stack; a host with a smaller one may still
    // run out, which is reported as nesting that is too deep (V8 and JavaScriptCore throw a
    // RangeError, SpiderMonkey an InternalError).
    if (e instanceof RangeError || (e instanceof Error && e.name === 'InternalError')) {
      throw new SqlSyntaxError(TOO_DEEP, p.tok.start);
    }
    throw e;
  }
  if (!p.at(';') && !p.at('EOF')) p.fail();
  p.flushDeferred();
  const end = p.at(';') ? p.tok.end : p.tok.start;
  return { stmt, end, parameters: p.parameters };
}

/** Parses every statement of the script `sql`. */
export function parse(sql: string): Statement[] {
  const statements: Statement[] = [];
  for (let from = 0; ; ) {
    const { stmt, end } = parseOne(sql, from);
    if (!stmt) return statements;
    statements.push(stmt);
    from = end;
  }
}

/** `[EXPLAIN [QUERY PLAN]] command`. */
function parseStatement(p: Parser): Statement {
  const start = p.tok.start;
  if (!p.accept('EXPLAIN')) return parseCommand(p);
  let queryPlan = false;
  if (p.accept('QUERY')) {
    p.expect('PLAN');
    queryPlan = true;
  }
  const stmt = parseCommand(p);
  return { kind: 'explain', queryPlan, stmt, start, end: p.lastEnd };
}

function parseCommand(p: Parser): Statement {
  const start = p.tok.start;
  switch (p.tok.type) {
    case 'SELECT':
    case 'VALUES':
      return parseSelect(p);
    case 'WITH':
      return parseWithStatement(p);
    case 'INSERT':
    case 'REPLACE':
      return parseInsert(p, start, null);
    case 'UPDATE':
      return parseUpdate(p, start, null);
    case 'DELETE':
      return parseDelete(p, start, null);
    case 'CREATE':
      return parseCreate(p);
    case 'DROP':
      return parseDrop(p);
    case 'ALTER':
      return parseAlterTable(p);
    case 'BEGIN':
      return parseBegin(p);
    case 'COMMIT':
    case 'END':
      p.advance();
      parseTransactionName(p);
      return { kind: 'commit', start, end: p.lastEnd };
    case 'ROLLBACK':
      return parseRollback(p);
    case 'SAVEPOINT':
      p.advance();
      return { kind: 'savepoint', name: p.nm(), start, end: p.lastEnd };
    case 'RELEASE':
      p.advance();
      p.accept('SAVEPOINT');
      return { kind: 'release', name: p.nm(), start, end: p.lastEnd };
    case 'PRAGMA':
      return parsePragma(p);
    case 'ATTACH':
      return parseAttach(p);
    case 'DETACH':
      p.advance();
      p.accept('DATABASE');
      return { kind: 'detach', schema: parseExpr(p), start, end: p.lastEnd };
    case 'ANALYZE':
    case 'REINDEX':
      return parseAnalyzeOrReindex(p);
    case 'VACUUM':
      return parseVacuum(p);
    default:
      return p.fail();
  }
}

/** A statement that begins with a WITH clause: a select, INSERT, REPLACE, UPDATE or DELETE. */
function parseWithStatement(p: Parser): Statement {
  const start = p.tok.start;
  const withClause = parseWith(p);
  switch (p.tok.type) {
    case 'INSERT':
    case 'REPLACE':
      return parseInsert(p, start, withClause);
    case 'UPDATE':
      return parseUpdate(p, start, withClause);
    case 'DELETE':
      return parseDelete(p, start, withClause);
    default:
      return parseSelectBody(p, start, withClause);
  }
}

/** An optional `TRANSACTION [name]` (the name means nothing to SQLite). */
function parseTransactionName(p: Parser): void {
  if (p.accept('TRANSACTION') && isNm(p.tok.type)) p.nm();
}

/** `BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] [TRANSACTION [name]]`. */
function parseBegin(p: Parser): BeginStmt {
  const start = p.expect('BEGIN').start;
  let mode: BeginStmt['mode'] = null;
  const t = p.tok.type;
  if (t === 'DEFERRED' || t === 'IMMEDIATE' || t === 'EXCLUSIVE') {
    p.advance();
    mode = t;
  }
  parseTransactionName(p);
  return { kind: 'begin', mode, start, end: p.lastEnd };
}

/** `ROLLBACK [TRANSACTION [name]] [TO [SAVEPOINT] savepoint]`. */
function parseRollback(p: Parser): RollbackStmt {
  const start = p.expect('ROLLBACK').start;
  parseTransactionName(p);
  let savepoint = null;
  if (p.accept('TO')) {
    p.accept('SAVEPOINT');
    savepoint = p.nm();
  }
  return { kind: 'rollback', savepoint, start, end: p.lastEnd };
}

/** `PRAGMA [schema.]name [= value | (value)]`. */
function parsePragma(p: Parser): PragmaStmt {
  const start = p.expect('PRAGMA').start;
  const { schema, name } = p.qualifiedName();
  let value: PragmaValue | null = null;
  if (p.accept('=')) {
    value = parsePragmaValue(p);
  } else if (p.accept('(')) {
    value = parsePragmaValue(p);
    p.expect(')');
  }
  return { kind: 'pragma', schema, name, value, start, end: p.lastEnd };
}

/** A signed number, a name or string, or one of the keywords ON, DELETE and DEFAULT. */
function parsePragmaValue(p: Parser): PragmaValue {
  const start = p.tok.start;
  const t = p.tok.type;
  if (t === '+' || t === '-' || t === 'INTEGER' || t === 'FLOAT') {
    return { kind: 'number', text: parseSignedNumber(p), start, end: p.lastEnd };
  }
  if (t === 'ON' || t === 'DELETE' || t === 'DEFAULT') return p.identifier(p.advance());
  return p.nm();
}

/** `ATTACH [DATABASE] file AS schema [KEY key]`. */
function parseAttach(p: Parser): AttachStmt {
  const start = p.expect('ATTACH').start;
  p.accept('DATABASE');
  const file = parseExpr(p);
  p.expect('AS');
  const schema = parseExpr(p);
  const key = p.accept('KEY') ? parseExpr(p) : null;
  return { kind: 'attach', file, schema, key, start, end: p.lastEnd };
}

/** `ANALYZE [[schema.]name]` or `REINDEX [[schema.]name]`. */
function parseAnalyzeOrReindex(p: Parser): AnalyzeStmt | ReindexStmt {
  const start = p.tok.start;
  const kind = p.advance().type === 'ANALYZE' ? 'analyze' : 'reindex';
  let schema = null;
  let name = null;
  if (isNm(p.tok.type)) ({ schema, name } = p.qualifiedName());
  return { kind, schema, name, start, end: p.lastEnd };
}

/** `VACUUM [schema] [INTO file]`. */
function parseVacuum(p: Parser): VacuumStmt {
  const start = p.expect('VACUUM').start;
  const schema = isNm(p.tok.type) ? p.nm() : null;
  const into = p.accept('INTO') ? parseExpr(p) : null;
  return { kind: 'vacuum', schema, into, start, end: p.lastEnd };
}
