/**
 * The worker side of @hearth/client: `serve()` exposes a `DatabaseServer` over Comlink on the worker's
 * global scope, with databases in OPFS. Errors leave as plain `{ code, name, message }` objects (the
 * client rebuilds `SqliteError`s from them), rows leave packed (row-pack.ts) and binary values
 * transferred, not copied.
 *
 * Call it from the worker entry — @hearth/client ships one — or from a worker of one's own to add SQL
 * functions that run in the worker: `serve({ functions: { slugify: (s) => … } })`. Functions the page
 * defines with `db.function` run on the page instead, called through a `FunctionBridge`.
 */
import * as Comlink from 'comlink';
import { type DatabaseOptions, SqliteError, primeCodeCache } from '@hearth/engine';
import { FunctionBridge } from './function-bridge.js';
import { holdForLifetime } from './lifetime-lock.js';
import { OpfsVfs } from './opfs-vfs.js';
import { openDatabase, sharedOpfsVfs } from './open-database.js';
import type { ErrorShape, Reply, RowData, WorkerApi, WorkerFunctionOptions } from './protocol.js';
import { packRows } from './row-pack.js';
import { DatabaseServer, type ServerOptions, type ServerStorage } from './server.js';

/** Options of `serve`. */
export interface ServeOptions extends ServerOptions {
  /** The OPFS VFS to keep databases in (default: the origin's OPFS root). */
  vfs?: OpfsVfs;
}

/** Storage in OPFS through one `OpfsVfs`. */
export function opfsStorage(given?: OpfsVfs): ServerStorage {
  let vfs = given ?? null;
  const ready = async (): Promise<OpfsVfs> => (vfs ??= await sharedOpfsVfs());
  return {
    open: async (path: string, options: DatabaseOptions) => openDatabase(path, { ...options, vfs: await ready() }),
    write: async (path: string, bytes: Uint8Array) => (await ready()).writeDatabase(path, bytes),
    remove: async (path: string) => (await ready()).removeDatabase(path),
    releaseAll: () => vfs?.releaseAll(),
  };
}

/** An error as a plain object that survives structured cloning. */
export function errorShape(err: unknown): ErrorShape {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { ...(typeof code === 'string' ? { code } : {}), name: err.name, message: err.message };
  }
  return { name: 'Error', message: String(err) };
}

/**
 * Packs a result's rows for crossing to the page (row-pack.ts), in place, and returns the buffers to
 * transfer with them.
 */
function packForCrossing(result: { rows: RowData }): ArrayBuffer[] {
  const { packed, transfer } = packRows(result.rows as unknown[][]);
  result.rows = packed;
  return transfer;
}

/**
 * The server's methods as the worker exposes them: each answers with a `Reply` (the result and, for a
 * call on a connection, its transaction state), errors as `ErrorShape`, rows packed, binary results
 * transferred (`prepare` readies a result for the trip and lists its buffers). With
 * `attachFunctions` the page may define SQL functions of its own thread (function-bridge.ts); with
 * `holdLifetimeLock` it learns when this worker ends (lifetime-lock.ts).
 */
export function messagingApi(server: DatabaseServer): WorkerApi {
  /** The transaction state of the connection a call with `args` was about, if it was about one. */
  const stateAfter = (args: unknown[]): boolean | undefined => (typeof args[0] === 'number' ? server.transactionState(args[0]) : undefined);
  const guard =
    <A extends unknown[], R>(method: (...args: A) => R | Promise<R>, prepare?: (result: R) => ArrayBuffer[]) =>
    async (...args: A): Promise<Reply<R>> => {
      let value: R;
      try {
        value = await method.apply(server, args);
      } catch (err) {
        throw { ...errorShape(err), inTransaction: stateAfter(args) };
      }
      const transfer = prepare ? prepare(value) : null;
      const reply: Reply<R> = { value, inTransaction: stateAfter(args) };
      return transfer ? Comlink.transfer(reply, transfer) : reply;
    };
  let bridge: FunctionBridge | null = null;
  const functions = {
    attachFunctions(buffer: SharedArrayBuffer, port: MessagePort): void {
      bridge = new FunctionBridge(buffer, port);
    },
    defineRemoteFunction(conn: number, name: string, options: WorkerFunctionOptions, id: number, arity: number): void {
      if (!bridge) throw new SqliteError('SQLITE_MISUSE', 'db.function: the page has not attached its functions buffer');
      server.defineFunction(conn, name, options, bridge.stub(id, arity));
    },
  };
  return {
    open: guard(server.open),
    close: guard(server.close),
    exec: guard(server.exec),
    prepare: guard(server.prepare),
    finalize: guard(server.finalize),
    run: guard(server.run),
    query: guard(server.query, packForCrossing),
    columns: guard(server.columns),
    openCursor: guard(server.openCursor, packForCrossing),
    next: guard(server.next, packForCrossing),
    closeCursor: guard(server.closeCursor),
    batch: guard(server.batch),
    pragma: guard(server.pragma),
    inTransaction: guard(server.inTransaction),
    exportDatabase: guard(server.exportDatabase, (bytes) => [bytes.buffer as ArrayBuffer]),
    importDatabase: guard(server.importDatabase),
    deleteDatabase: guard(server.deleteDatabase),
    shutdown: guard(server.shutdown),
    attachFunctions: guard(functions.attachFunctions),
    defineRemoteFunction: guard(functions.defineRemoteFunction),
    holdLifetimeLock: guard(holdForLifetime),
  };
}

/**
 * Serves databases in OPFS to @hearth/client on this worker's global scope (or `endpoint`). Call it from
 * the top level of the worker's script: it also primes the browser's compiled-code cache for that
 * script (`primeCodeCache`), which only sees what runs while the script loads.
 */
export function serve(options: ServeOptions = {}, endpoint: Comlink.Endpoint = self as unknown as Comlink.Endpoint): DatabaseServer {
  const server = new DatabaseServer(opfsStorage(options.vfs), options);
  Comlink.expose(messagingApi(server), endpoint);
  primeCodeCache();
  return server;
}
