/**
 * The images pages had when a write transaction began, for a rollback to put back: the pager of a
 * database whose page cache is its only copy (an in-memory database) keeps a page's image here before
 * the transaction first changes it (or drops it by shrinking the database); the journal_mode=MEMORY log
 * keeps those of pages a spill overwrites. Buffers are pooled across transactions, so a steady workload
 * stops allocating them.
 *
 * Invariant: at most one image per page number, each saved before the transaction changed that page.
 */

/**
 * Page buffers kept for reuse once a transaction ends (4 MiB of 4 KiB pages): enough for a statement
 * that touches hundreds of pages (a DELETE of 10k rows with an index dirties about 450) to run again
 * without allocating, while an in-memory database already holds every page it has.
 */
const POOL_LIMIT = 1024;

export class OriginalImages {
  private readonly images = new Map<number, Uint8Array>();
  private readonly pool: Uint8Array[] = [];

  /** Keeps a copy of `data` as page `pgno`'s original, unless one is kept already. */
  save(pgno: number, data: Uint8Array): void {
    this.take(pgno, data.length)?.set(data);
  }

  /**
   * A buffer of `pageSize` bytes kept as page `pgno`'s original, for the caller to fill at once; null
   * when one is kept already.
   */
  take(pgno: number, pageSize: number): Uint8Array | null {
    if (this.images.has(pgno)) return null;
    const image = this.pool.pop() ?? new Uint8Array(pageSize);
    this.images.set(pgno, image);
    return image;
  }

  /** Calls `restore` with every kept page number and image. */
  forEach(restore: (pgno: number, image: Uint8Array) => void): void {
    for (const [pgno, image] of this.images) restore(pgno, image);
  }

  /** Forgets every image (the transaction ended), keeping some buffers for the next one. */
  clear(): void {
    if (this.images.size === 0) return;
    for (const image of this.images.values()) if (this.pool.length < POOL_LIMIT) this.pool.push(image);
    this.images.clear();
  }
}
