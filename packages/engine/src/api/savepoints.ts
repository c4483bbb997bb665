/**
 * The connection's named savepoints (SAVEPOINT / RELEASE / ROLLBACK TO), oldest first.
 *
 * Names compare as SQLite compares them: case-insensitively for ASCII letters only, the newest match
 * winning. Once the connection's write transaction has begun, savepoint `i` of this stack is the
 * pager's savepoint at depth `i` (one opened in a read or deferred transaction gets its pager level when
 * the first write starts); a running writing statement's own savepoint sits just above them.
 */
import { SqliteError } from '../common/errors.js';

/** `name` with ASCII capitals lowered, as SQLite's sqlite3StrICmp folds case. */
function foldAscii(name: string): string {
  return name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export class SavepointStack {
  private readonly names: string[] = [];
  /** Whether the outermost savepoint started the transaction, so that releasing it commits. */
  startedTransaction = false;

  /** Number of open savepoints. */
  get length(): number {
    return this.names.length;
  }

  push(name: string): void {
    this.names.push(foldAscii(name));
  }

  /** Index of the newest savepoint called `name`; SQLITE_ERROR `no such savepoint` when none is. */
  find(name: string): number {
    const folded = foldAscii(name);
    const i = this.names.lastIndexOf(folded);
    if (i < 0) throw new SqliteError('SQLITE_ERROR', `no such savepoint: ${name}`);
    return i;
  }

  /** Keeps the `count` oldest savepoints. */
  truncate(count: number): void {
    this.names.length = count;
  }

  /** Forgets every savepoint (the transaction ended). */
  clear(): void {
    this.names.length = 0;
    this.startedTransaction = false;
  }
}
