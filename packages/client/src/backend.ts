/**
 * The client's view of the server: `ServerApi` with every method asynchronous — a Comlink proxy of the
 * worker in browsers, the server itself wrapped in promises in Node (`inProcess`).
 */
import type { DatabaseServer, ServerApi, WorkerFunctionOptions } from '@hearth/worker';

/** `ServerApi` with every method returning a promise. */
export type Backend = {
  [K in keyof ServerApi]: (...args: Parameters<ServerApi[K]>) => Promise<Awaited<ReturnType<ServerApi[K]>>>;
} & {
  /** Defines a SQL function on a connection; only a backend in this thread has it. */
  defineFunction?(conn: number, name: string, options: WorkerFunctionOptions, fn: (...args: never[]) => unknown): Promise<void>;
};

/** The methods of `ServerApi`. */
const SERVER_METHODS: readonly (keyof ServerApi)[] = [
  'open', 'close', 'exec', 'prepare', 'finalize', 'run', 'query', 'columns', 'openCursor', 'next', 'closeCursor',
  'batch', 'pragma', 'inTransaction', 'exportDatabase', 'importDatabase', 'deleteDatabase', 'shutdown',
];

/** A backend calling `server` in this thread (each call still returns a promise). */
export function inProcess(server: DatabaseServer): Backend {
  const backend: Record<string, unknown> = {};
  for (const name of [...SERVER_METHODS, 'defineFunction' as const]) {
    const method = server[name] as (...args: unknown[]) => unknown;
    backend[name] = async (...args: unknown[]) => method.apply(server, args);
  }
  return backend as Backend;
}

/**
 * A backend over a Comlink proxy of the worker's API. Only the API's methods are copied: a proxy answers
 * every property, so `defineFunction` must stay absent for `db.function` to know it cannot define one.
 */
export function remote(proxy: Record<string, (...args: unknown[]) => Promise<unknown>>): Backend {
  const backend: Record<string, unknown> = {};
  for (const name of SERVER_METHODS) backend[name] = (...args: unknown[]) => proxy[name]!(...args);
  return backend as Backend;
}
