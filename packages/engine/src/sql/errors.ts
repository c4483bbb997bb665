/**
 * The error the tokenizer and parser raise. It is a `SqliteError` with code SQLITE_ERROR whose
 * message is worded exactly as SQLite words it for the same input (`near "X": syntax error`,
 * `incomplete input`, `unrecognized token: "X"`, and the few other errors SQLite's parser itself
 * reports), and it also says where in the SQL text the error was found.
 */
import { SqliteError } from '../common/errors.js';

/** An error in the text of an SQL statement, found while tokenizing or parsing it. */
export class SqlSyntaxError extends SqliteError {
  /** Offset in the SQL text (UTF-16 code units) of the token at which the error was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('SQLITE_ERROR', message);
    this.name = 'SqlSyntaxError';
    this.offset = offset;
  }
}
