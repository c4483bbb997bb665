/**
 * The client's view of the server: `ServerApi` with every method asynchronous — a Comlink proxy of the
 * worker in browsers, the server itself wrapped in promises in Node (`inProcess`).
 *
 * Every backend also keeps each connection's transaction state as of its last completed call (the
 * worker sends it with each reply, see `Reply`), so that `db.inTransaction` is a plain property, and
 * defines SQL functions of this thread: directly in-process, through a `FunctionHost` over a worker.
 */
import * as Comlink from 'comlink';
import { SqliteError } from '@hearth/engine';
import type { DatabaseServer, Reply, ServerApi, WorkerApi, WorkerFunctionOptions } from '@hearth/worker';
import { FunctionHost } from './function-host.js';
import { type WorkerStop, type WorkerWatch, workerStoppedError } from './worker-watch.js';

/** A function of this thread to call from SQL. */
export type SqlFunction = (...args: never[]) => unknown;

/** `ServerApi` with every method returning a promise. */
export type Backend = {
  [K in keyof ServerApi]: (...args: Parameters<ServerApi[K]>) => Promise<Awaited<ReturnType<ServerApi[K]>>>;
} & {
  /** Defines SQL function `name` on a connection as `fn`, which runs in this thread. */
  defineFunction(conn: number, name: string, options: WorkerFunctionOptions, fn: SqlFunction): Promise<void>;
  /** Whether connection `conn` was in a transaction when its last call completed. */
  transactionState(conn: number): boolean;
  /** Throws if the database cannot be called now (from inside a SQL function the worker waits for). */
  checkReentry(): void;
};

/** The methods of `ServerApi`. */
const SERVER_METHODS: readonly (keyof ServerApi)[] = [
  'open', 'close', 'exec', 'prepare', 'finalize', 'run', 'query', 'columns', 'openCursor', 'next', 'closeCursor',
  'batch', 'pragma', 'inTransaction', 'exportDatabase', 'importDatabase', 'deleteDatabase', 'shutdown',
];

/** Transaction states by connection id, as the replies report them. */
class TransactionStates {
  private readonly states = new Map<number, boolean>();

  /** Records the state reported after a call with `args` (a connection's call: its id first). */
  note(args: unknown[], state: boolean | undefined): void {
    const conn = args[0];
    if (typeof conn !== 'number') return;
    if (state === undefined) this.states.delete(conn);
    else this.states.set(conn, state);
  }

  of(conn: number): boolean {
    return this.states.get(conn) === true;
  }
}

/** A backend calling `server` in this thread (each call still returns a promise). */
export function inProcess(server: DatabaseServer): Backend {
  const states = new TransactionStates();
  const backend: Record<string, unknown> = {};
  for (const name of SERVER_METHODS) {
    const method = server[name] as (...args: unknown[]) => unknown;
    backend[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(server, args);
      } finally {
        states.note(args, server.transactionState(args[0] as number));
      }
    };
  }
  const extra: Pick<Backend, 'defineFunction' | 'transactionState' | 'checkReentry'> = {
    defineFunction: async (conn, name, options, fn) => server.defineFunction(conn, name, options, fn),
    transactionState: (conn) => states.of(conn),
    checkReentry: () => undefined,
  };
  return Object.assign(backend, extra) as Backend;
}

/** Calls that open or replace a database: when the worker stops, they fail as an open does (SQLITE_CANTOPEN). */
const OPENING_CALLS: ReadonlySet<keyof WorkerApi> = new Set<keyof WorkerApi>(['open', 'importDatabase', 'deleteDatabase']);

/**
 * A backend over a Comlink proxy of the worker's API (`messagingApi`). `canBlock`: whether the worker
 * may block on a SharedArrayBuffer waiting for this thread (the page is cross-origin isolated) — what
 * `db.function` needs. `watch`: the worker's life (worker-watch.ts); once it stops, pending calls reject
 * and later ones reject at once, instead of waiting for a reply that will never come.
 */
export function remote(proxy: Comlink.Remote<WorkerApi>, canBlock: boolean, watch?: WorkerWatch): Backend {
  const states = new TransactionStates();
  /** The rejections of the calls awaiting a reply. */
  const pending = new Set<(stop: WorkerStop) => void>();
  watch?.onStop((stop) => {
    for (const reject of pending) reject(stop);
    pending.clear();
  });
  const send = (name: keyof WorkerApi, args: unknown[]): Promise<Reply<unknown>> => {
    const method = proxy[name] as (...args: unknown[]) => Promise<Reply<unknown>>;
    if (!watch) return method(...args);
    const stopped = watch.stopped;
    if (stopped) return Promise.reject(workerStoppedError(stopped, OPENING_CALLS.has(name)));
    return new Promise<Reply<unknown>>((resolve, reject) => {
      const fail = (stop: WorkerStop): void => reject(workerStoppedError(stop, OPENING_CALLS.has(name)));
      pending.add(fail);
      method(...args).then(
        (reply) => {
          pending.delete(fail);
          resolve(reply);
        },
        (err: unknown) => {
          pending.delete(fail);
          reject(err);
        },
      );
    });
  };
  const call = async (name: keyof WorkerApi, args: unknown[]): Promise<unknown> => {
    let reply: Reply<unknown>;
    try {
      reply = await send(name, args);
    } catch (err) {
      states.note(args, (err as { inTransaction?: boolean } | null)?.inTransaction);
      throw err;
    }
    states.note(args, reply.inTransaction);
    return reply.value;
  };
  let host: FunctionHost | null = null;
  /** The page's function host, created and handed to the worker on first use. */
  const functionHost = async (): Promise<FunctionHost> => {
    if (host) return host;
    const created = new FunctionHost();
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent) => created.receive(event.data);
    await call('attachFunctions', [created.buffer, Comlink.transfer(channel.port2, [channel.port2])]);
    return (host ??= created);
  };
  const backend: Record<string, unknown> = {};
  for (const name of SERVER_METHODS) backend[name] = (...args: unknown[]) => call(name, args);
  backend.close = async (conn: number) => {
    host?.forgetConnection(conn);
    return call('close', [conn]);
  };
  const extra: Pick<Backend, 'defineFunction' | 'transactionState' | 'checkReentry'> = {
    async defineFunction(conn, name, options, fn) {
      if (!canBlock) throw notIsolated(name);
      const pageFunctions = await functionHost();
      const arity = fn.length;
      const id = pageFunctions.register(conn, name, options.varargs === true ? -1 : arity, fn as (...args: unknown[]) => unknown);
      try {
        await call('defineRemoteFunction', [conn, name, options, id, arity]);
      } catch (err) {
        pageFunctions.discard(id);
        throw err;
      }
      pageFunctions.activate(id);
    },
    transactionState: (conn) => states.of(conn),
    checkReentry: () => host?.checkReentry(),
  };
  return Object.assign(backend, extra) as Backend;
}

/** Why `db.function` cannot work on a page that is not cross-origin isolated, and what to do instead. */
function notIsolated(name: string): SqliteError {
  return new SqliteError(
    'SQLITE_MISUSE',
    `db.function("${name}") needs a cross-origin isolated page: the engine runs in a worker, which must wait for the page to run the function, and ` +
      'without SharedArrayBuffer it cannot. Serve the page with the headers Cross-Origin-Opener-Policy: same-origin and ' +
      `Cross-Origin-Embedder-Policy: require-corp, or define the function in a worker of your own (serve({ functions: { ${name} } }) from @hearth/worker) ` +
      'and pass it to connect(path, { worker })',
  );
}
