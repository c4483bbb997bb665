/**
 * @hearth/engine — a SQLite-compatible database engine in TypeScript. This entry point is safe for
 * browsers and workers; Node-only pieces (the `fs` VFS) are exported from `@hearth/engine/node`.
 *
 * The main export is `Database`, with better-sqlite3's API over SQLite's SQL and file format. The
 * storage layer (pager, B-trees, records, schema, integrity checker) is exported too, for tools and tests.
 */
export { SqliteError, type SqliteErrorCode } from './common/errors.js';
export type { Vfs, VfsFile, VfsOpenOptions } from './vfs/vfs.js';
export { MemoryVfs } from './vfs/memory.js';
export { Pager, type PagerOptions, type JournalMode, type Synchronous } from './pager/pager.js';
export { Btree } from './btree/btree.js';
export { BtCursor } from './btree/cursor.js';
export { checkIntegrity, type IntegrityOptions } from './btree/integrity.js';
export { encodeRecord, decodeRecord, RecordReader, RecordWriter } from './record/record.js';
export type { SqlValue } from './record/value.js';
export type { Int64 } from './record/int64.js';
export { UnpackedKey, keyInfoBinary, BINARY, NOCASE, RTRIM, type KeyInfo, type Collation } from './record/compare.js';
export { readSchema, createTable, createIndex, addSchemaEntry, removeSchemaEntry, type SchemaEntry } from './schema/schema.js';
export { Database, Statement, type DatabaseOptions, type RunResult, type BindValue } from './api/database.js';
export { primeCodeCache } from './api/prime.js';
