/**
 * @hearth/worker: runs the Hearth engine inside a dedicated Web Worker, storing databases in the Origin
 * Private File System (OPFS) through synchronous access handles.
 *
 * - `openDatabase(path, options)`: the engine's synchronous `Database` on OPFS, for code already in a
 *   dedicated worker.
 * - `OpfsVfs`: the VFS behind it (handles opened ahead, exclusive per tab).
 * - `serve(options)`: the worker side of @hearth/client (a `DatabaseServer` exposed over Comlink).
 * - `FunctionBridge`: how the worker calls SQL functions the page defined (`db.function` on the page).
 */
export { OpfsVfs, normalizePath } from './opfs-vfs.js';
export { openDatabase, sharedOpfsVfs, OPFS_DEFAULT_CACHE_SIZE, type OpenDatabaseOptions } from './open-database.js';
export { DatabaseServer, cacheBytesFor, checkDatabaseFile, DEFAULT_CACHE_KIB, type ServerStorage, type ServerOptions, type WorkerFunction } from './server.js';
export { serve, opfsStorage, messagingApi, errorShape, type ServeOptions } from './serve.js';
export { FunctionBridge, type CallPort } from './function-bridge.js';
export { FUNCTION_DATA_OFFSET, FUNCTION_NUMBER_OFFSET, FunctionSlot, FunctionState, PackedTag, ResultKind } from './protocol.js';
export { packRows, type Packing } from './row-pack.js';
export type * from './protocol.js';

/** The version of @hearth/worker (kept equal to package.json's "version"). */
export const HEARTH_WORKER_VERSION = '0.1.0';
