/**
 * Errors raised by the engine. Every failure a caller can see is a `SqliteError` carrying one of
 * SQLite's result-code names (`SQLITE_CORRUPT`, `SQLITE_BUSY`, …) so that callers can branch on
 * `err.code` exactly as they would with SQLite itself.
 */

/** SQLite primary and extended result-code names that Hearth raises. */
export type SqliteErrorCode =
  | 'SQLITE_ERROR'
  | 'SQLITE_INTERNAL'
  | 'SQLITE_PERM'
  | 'SQLITE_BUSY'
  | 'SQLITE_LOCKED'
  | 'SQLITE_NOMEM'
  | 'SQLITE_READONLY'
  | 'SQLITE_IOERR'
  | 'SQLITE_IOERR_SHORT_READ'
  | 'SQLITE_CORRUPT'
  | 'SQLITE_NOTFOUND'
  | 'SQLITE_FULL'
  | 'SQLITE_TOOBIG'
  | 'SQLITE_CANTOPEN'
  | 'SQLITE_CONSTRAINT'
  | 'SQLITE_CONSTRAINT_CHECK'
  | 'SQLITE_CONSTRAINT_DATATYPE'
  | 'SQLITE_CONSTRAINT_FOREIGNKEY'
  | 'SQLITE_CONSTRAINT_NOTNULL'
  | 'SQLITE_CONSTRAINT_PRIMARYKEY'
  | 'SQLITE_CONSTRAINT_TRIGGER'
  | 'SQLITE_CONSTRAINT_UNIQUE'
  | 'SQLITE_MISMATCH'
  | 'SQLITE_MISUSE'
  | 'SQLITE_RANGE'
  | 'SQLITE_NOTADB';

/** An error with a SQLite result code. `message` follows SQLite's wording where SQLite has one. */
export class SqliteError extends Error {
  readonly code: SqliteErrorCode;

  constructor(code: SqliteErrorCode, message: string) {
    super(message);
    this.name = 'SqliteError';
    this.code = code;
  }
}

/**
 * The file's contents break a rule of the file format. `detail` says which rule and where, so that a
 * corrupt file can be diagnosed; the message starts as SQLite's does.
 */
export function corrupt(detail: string): SqliteError {
  return new SqliteError('SQLITE_CORRUPT', `database disk image is malformed: ${detail}`);
}

/** A feature Hearth parses but does not run yet: SQLITE_ERROR "not supported yet: <what>". */
export function notSupported(what: string): SqliteError {
  return new SqliteError('SQLITE_ERROR', `not supported yet: ${what}`);
}
