/**
 * The log of an in-memory database whose page cache is the only copy of its pages (as SQLite's
 * in-memory databases are a page cache that never evicts): nothing is ever written anywhere, so
 * commits and the end of a transaction have nothing to do, and the file behind it stays empty. The
 * pager itself keeps what a rollback needs (original-images.ts) and never spills.
 *
 * Invariant: the file stays empty, so the committed size is 0 until the pager's first commit, and the
 * pager, not this log, knows it afterwards.
 */
import { assert } from '../common/assert.js';
import type { VfsFile } from '../vfs/vfs.js';
import type { PageLog } from './log.js';

export class CacheOnlyLog implements PageLog {
  readonly mode = 'memory' as const;

  pageSize(): number {
    return 0;
  }

  committedPageCount(db: VfsFile): number {
    assert(db.size() === 0, 'the file behind a cache-only database stays empty');
    return 0;
  }

  snapshot(): number {
    return 0;
  }

  /** A page the cache does not hold was never written: it reads as zeros. */
  readPage(_pgno: number, into: Uint8Array): void {
    into.fill(0);
  }

  beginWrite(): void {}

  spill(): void {
    assert(false, 'a cache-only database never spills');
  }

  hasSpilled(): boolean {
    return false;
  }

  commit(): void {}

  endWrite(): void {}

  rollback(): void {}

  backlog(): number {
    return 0;
  }

  checkpoint(): void {}

  close(): void {}
}
