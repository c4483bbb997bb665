/**
 * A connection's temp database: where the temp schema's tables, indexes, views and triggers live. It
 * is an in-memory database of its own (memory VFS, never written to the connection's file), opened on
 * first use, as SQLite opens its temp database lazily.
 *
 * It follows the main database's transactions by savepoints: once open it stays in one write
 * transaction of its own, and each write transaction of the main database is a savepoint in it (depth
 * 0), each pager savepoint of the main database the savepoint one deeper. So COMMIT releases, ROLLBACK
 * undoes, and ROLLBACK TO, RELEASE and statement savepoints act on the temp database's changes as on
 * the main one's. Reads need nothing more: the temp database is always inside its transaction.
 */
import { Btree } from '../btree/btree.js';
import { MemoryVfs } from '../vfs/memory.js';

export class TempDatabase {
  private bt: Btree | null = null;

  /** The temp database if it was opened. */
  get btree(): Btree | null {
    return this.bt;
  }

  /**
   * The temp database, opened now if need be; `mainDepth` is the main database's number of open pager
   * savepoints, or -1 when it has no write transaction.
   */
  open(mainDepth: number, pageSize: number): Btree {
    if (this.bt) return this.bt;
    const bt = Btree.open(new MemoryVfs(), ':memory:', { journalMode: 'memory', pageSize, inMemory: true });
    bt.beginWrite();
    if (mainDepth >= 0) for (let i = 0; i <= mainDepth; i++) bt.openSavepoint();
    this.bt = bt;
    return bt;
  }

  /** The main database began a write transaction. */
  beginWrite(): void {
    this.bt?.openSavepoint();
  }

  /** The main database opened a savepoint. */
  openSavepoint(): void {
    this.bt?.openSavepoint();
  }

  /** The main database rolled back to its savepoint at `depth` (which stays open). */
  rollbackToSavepoint(depth: number): void {
    this.bt?.rollbackToSavepoint(depth + 1);
  }

  /** The main database released its savepoint at `depth` and the newer ones. */
  releaseSavepoint(depth: number): void {
    this.bt?.releaseSavepoint(depth + 1);
  }

  /** The main database committed its write transaction. */
  commit(): void {
    this.bt?.releaseSavepoint(0);
  }

  /** The main database rolled its write transaction back. */
  rollback(): void {
    if (!this.bt) return;
    this.bt.rollbackToSavepoint(0);
    this.bt.releaseSavepoint(0);
  }

  close(): void {
    this.bt?.close();
    this.bt = null;
  }
}
