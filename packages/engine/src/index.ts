/**
 * @hearth/engine — a SQLite-compatible database engine in TypeScript. This entry point is safe for
 * browsers and workers; Node-only pieces (the `fs` VFS) are exported from `@hearth/engine/node`.
 */
export { SqliteError, type SqliteErrorCode } from './common/errors.js';
export type { Vfs, VfsFile, VfsOpenOptions } from './vfs/vfs.js';
export { MemoryVfs } from './vfs/memory.js';
export { Pager, type PagerOptions, type JournalMode, type Synchronous } from './pager/pager.js';
export { Btree } from './btree/btree.js';
export { BtCursor } from './btree/cursor.js';
