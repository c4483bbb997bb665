/**
 * How the shell reports a failed statement, as sqlite3 3.40 does:
 *
 *     Parse error near line 3: no such column: x
 *       SELECT x FROM t;
 *              ^--- error here
 *
 * "Parse error" for what fails while preparing (syntax, names), "Runtime error" for what fails while
 * running; the primary result code follows in parentheses when it is not SQLITE_ERROR. The excerpt
 * appears where SQLite knows the offset of the error (sqlite3_error_offset): syntax errors, unknown
 * columns and functions, wrong argument counts, a table that already exists. Hearth's errors carry
 * an offset only for syntax errors, so for the others the offending name is found in the statement's
 * tokens. The excerpt starts at most 50 bytes before the error, is at most 78 bytes long, and has its
 * white space shown as spaces.
 */
import { SqliteError, type SqliteErrorCode } from '../common/errors.js';
import { SqlSyntaxError } from '../sql/index.js';
import { type Token, identifierName, readToken } from '../sql/tokenizer.js';

const PRIMARY_CODES: Record<SqliteErrorCode, number> = {
  SQLITE_ERROR: 1,
  SQLITE_INTERNAL: 2,
  SQLITE_PERM: 3,
  SQLITE_BUSY: 5,
  SQLITE_LOCKED: 6,
  SQLITE_NOMEM: 7,
  SQLITE_READONLY: 8,
  SQLITE_IOERR: 10,
  SQLITE_IOERR_SHORT_READ: 10,
  SQLITE_CORRUPT: 11,
  SQLITE_NOTFOUND: 12,
  SQLITE_FULL: 13,
  SQLITE_CANTOPEN: 14,
  SQLITE_TOOBIG: 18,
  SQLITE_CONSTRAINT: 19,
  SQLITE_CONSTRAINT_CHECK: 19,
  SQLITE_CONSTRAINT_DATATYPE: 19,
  SQLITE_CONSTRAINT_FOREIGNKEY: 19,
  SQLITE_CONSTRAINT_NOTNULL: 19,
  SQLITE_CONSTRAINT_PRIMARYKEY: 19,
  SQLITE_CONSTRAINT_TRIGGER: 19,
  SQLITE_CONSTRAINT_UNIQUE: 19,
  SQLITE_MISMATCH: 20,
  SQLITE_MISUSE: 21,
  SQLITE_RANGE: 25,
  SQLITE_NOTADB: 26,
};

/** Errors SQLite raises while preparing that Hearth raises when the statement runs. */
const PREPARE_TIME = /^(table|index|view|trigger) .+ already exists$|^object name reserved for internal use: /;

/** Whether SQLite would have reported `err` while preparing the statement. */
export function isPrepareError(err: unknown): boolean {
  return err instanceof SqliteError && err.code === 'SQLITE_ERROR' && PREPARE_TIME.test(err.message);
}

/** SQLite's primary result code for `err` (SQLITE_ERROR, 1, for anything that is not a SqliteError). */
export function resultCode(err: unknown): number {
  return err instanceof SqliteError ? (PRIMARY_CODES[err.code] ?? 1) : 1;
}

/** The message of `err` with sqlite3's " (code)" suffix for result codes other than SQLITE_ERROR. */
export function errorMessage(err: unknown): string {
  if (!(err instanceof SqliteError)) return err instanceof Error ? err.message : String(err);
  const code = resultCode(err);
  return code > 1 ? `${err.message} (${code})` : err.message;
}

function significantTokens(sql: string): Token[] {
  const tokens: Token[] = [];
  for (let pos = 0; pos < sql.length; ) {
    const t = readToken(sql, pos);
    if (t.type === 'EOF') break;
    if (t.type !== 'SPACE' && t.type !== 'COMMENT') tokens.push(t);
    pos = t.end;
  }
  return tokens;
}

/** Whether token `t` of `sql` names `name` (case-insensitive, quotes removed). */
function names(sql: string, t: Token | undefined, name: string): boolean {
  if (!t || (t.type !== 'ID' && t.type !== 'STRING' && !/^[A-Za-z_]/.test(sql.slice(t.start, t.end)))) return false;
  return identifierName(sql.slice(t.start, t.end)).toLowerCase() === name.toLowerCase();
}

/**
 * Where in `sql` (a statement, UTF-16 offset) SQLite would place the error, or -1 when it records
 * no offset for it.
 */
export function errorOffset(err: unknown, sql: string): number {
  if (err instanceof SqlSyntaxError) return err.message === 'incomplete input' ? -1 : err.offset;
  if (!(err instanceof SqliteError)) return -1;
  const tokens = significantTokens(sql);
  let m = /^no such column: (.+)$/.exec(err.message);
  if (m) {
    const parts = m[1]!.split('.');
    for (let i = 0; i < tokens.length; i++) {
      if (parts.every((p, k) => names(sql, tokens[i + 2 * k], p) && (k === 0 || tokens[i + 2 * k - 1]!.type === '.'))) return tokens[i]!.start;
    }
    return -1;
  }
  m = /^no such function: (.+)$|^wrong number of arguments to function (.+)\(\)$/.exec(err.message);
  if (m) {
    const name = m[1] ?? m[2]!;
    const i = tokens.findIndex((t, k) => names(sql, t, name) && tokens[k + 1]?.type === '(');
    return i < 0 ? -1 : tokens[i]!.start;
  }
  m = /^(?:table|index|view|trigger) (.+) already exists$/.exec(err.message);
  if (m) {
    const i = tokens.findIndex((t, k) => k > 1 && names(sql, t, m![1]!));
    return i < 0 ? -1 : tokens[i]!.start;
  }
  return -1;
}

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** sqlite3's excerpt of the statement `sql` around byte offset `offset` (empty when offset < 0). */
export function errorContext(sql: string, offset: number): string {
  if (offset < 0) return '';
  let bytes = utf8.encode(sql);
  let at = utf8.encode(sql.slice(0, offset)).length;
  while (at > 50) {
    at--;
    bytes = bytes.subarray(1);
    while (bytes.length > 0 && (bytes[0]! & 0xc0) === 0x80) {
      bytes = bytes.subarray(1);
      at--;
    }
  }
  let len = bytes.length;
  if (len > 78) {
    len = 78;
    while (len > 0 && (bytes[len]! & 0xc0) === 0x80) len--;
  }
  const code = decoder.decode(bytes.subarray(0, len)).replace(/[\t\n\v\f\r]/g, ' ');
  if (at < 25) return `\n  ${code}\n  ${' '.repeat(at)}^--- error here`;
  return `\n  ${code}\n  ${' '.repeat(Math.max(0, at - 14))}error here ---^`;
}
