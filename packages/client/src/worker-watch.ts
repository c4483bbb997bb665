/**
 * Noticing that a worker stopped, so that no call on it waits forever. A worker can stop in ways the page
 * sees as events on the `Worker` — its script failed to load, an uncaught error (`error`), a reply that
 * could not be deserialized (`messageerror`) — and in ways it does not: terminated, closed with
 * `self.close()`, or killed by the browser (out of memory), for which no event exists.
 *
 * For those, the robust signal is a Web Lock: one the worker holds for as long as it lives is released by
 * the browser when the worker ends, however it ends. The page picks a unique name, the worker takes the
 * lock and acknowledges (@hearth/worker's lifetime-lock.ts), then the page asks for the same lock and is
 * granted it when — and only when — the worker is gone. (A MessagePort `close` event would say the same,
 * but not in every browser; Web Locks are in all of them, and cost nothing while they wait.)
 *
 * After an `error` or `messageerror` the worker may still run, holding its files, with a reply lost or its
 * state unknown: it is terminated, so that its files are released and a new worker can reopen them. The
 * calls fail at once, but termination takes a moment: `gone` says when the worker has really ended (the
 * lock was granted), which is when its files are free.
 *
 * Invariant: a watch stops at most once; listeners run synchronously, in the order they were added.
 */
import { SqliteError } from '@hearth/engine';

/** How the page learnt that a worker stopped. */
export type StopCause = 'load' | 'error' | 'messageerror' | 'ended';

/** Why a worker stopped: the cause, and the message of an uncaught error. */
export interface WorkerStop {
  cause: StopCause;
  detail?: string;
}

/** The part of the Web Locks API a watch uses (`navigator.locks`). */
export interface LockRequester {
  request(name: string, options: { mode: 'exclusive' }, callback: () => unknown): Promise<unknown>;
}

/** What a watch observes: a Worker, or anything with its events and `terminate`. */
export type WatchedWorker = Pick<Worker, 'addEventListener' | 'terminate'>;

/** The life of one worker as the page sees it. */
export class WorkerWatch {
  private stop: WorkerStop | null = null;
  private readonly listeners: ((stop: WorkerStop) => void)[] = [];
  private lockWatched = false;
  private markGone!: () => void;
  /**
   * Settles once the worker has ended: when its lifetime lock is granted or — when the lock cannot tell
   * (no Web Locks, or the worker stopped before it held the lock) — as soon as it stops.
   */
  readonly gone = new Promise<void>((resolve) => (this.markGone = resolve));

  /** Why the worker stopped, or null while it runs. */
  get stopped(): WorkerStop | null {
    return this.stop;
  }

  /** Calls `listener` when the worker stops (never if it already has). */
  onStop(listener: (stop: WorkerStop) => void): void {
    this.listeners.push(listener);
  }

  /** Records that the worker stopped (the first report wins) and tells the listeners. */
  end(stop: WorkerStop): void {
    if (this.stop) return;
    this.stop = stop;
    if (!this.lockWatched) this.markGone();
    for (const listener of this.listeners) listener(stop);
  }

  /** The page waits for the worker's lifetime lock: from now on, its grant says the worker has ended. */
  watchingLock(): void {
    if (!this.stop) this.lockWatched = true;
  }

  /** The lifetime lock was granted: the worker has ended. */
  ended(): void {
    this.end({ cause: 'ended' });
    this.markGone();
  }
}

/**
 * Watches `worker`. `holdLock(name)` asks the worker to take Web Lock `name` for its lifetime, resolving
 * once it holds it; `locks` is the page's lock manager (none: stops without an event go unnoticed).
 */
export function watchWorker(worker: WatchedWorker, holdLock: (name: string) => Promise<unknown>, locks: LockRequester | undefined = pageLocks()): WorkerWatch {
  const watch = new WorkerWatch();
  const fail = (stop: WorkerStop): void => {
    if (watch.stopped) return;
    worker.terminate();
    watch.end(stop);
  };
  worker.addEventListener('error', (event) => fail(errorStop(event)));
  worker.addEventListener('messageerror', () => fail({ cause: 'messageerror' }));
  if (locks) {
    const name = `hearth-worker-${uniqueId()}`;
    holdLock(name)
      .then(() => {
        watch.watchingLock();
        return locks.request(name, { mode: 'exclusive' }, () => watch.ended());
      })
      .catch(() => undefined);
  }
  return watch;
}

/** An `error` event's meaning: an uncaught error (an ErrorEvent with its message), or a script that did not load. */
function errorStop(event: Event): WorkerStop {
  const message = (event as { message?: unknown }).message;
  return typeof message === 'string' && message !== '' ? { cause: 'error', detail: message } : { cause: 'load' };
}

function pageLocks(): LockRequester | undefined {
  return (globalThis as { navigator?: { locks?: LockRequester } }).navigator?.locks;
}

function uniqueId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return crypto?.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Why the worker's script did not load, and what usually fixes it. */
const NOT_LOADED =
  "the Hearth worker's script did not load (is it deployed with the page's assets, and cached for offline use? " +
  "under a dev server that pre-bundles dependencies, add optimizeDeps: { exclude: ['@hearth/client'] } to its config)";

/** What happened to the worker, in words. */
function describeStop(stop: WorkerStop): string {
  switch (stop.cause) {
    case 'load':
      return 'its script did not load';
    case 'error':
      return `uncaught error: ${stop.detail ?? 'unknown'}`;
    case 'messageerror':
      return 'a message from it could not be deserialized';
    case 'ended':
      return 'it ended: terminated, closed, or stopped by the browser, e.g. out of memory';
  }
}

/**
 * The error a call gets when the worker stopped: SQLITE_CANTOPEN for a call that opens or replaces a
 * database (`opening`), as SQLite's open fails; otherwise SQLITE_IOERR — the storage went away under the
 * connection, and, as after SQLite's I/O errors, whether a pending write was committed is unknown until the
 * database is reopened.
 */
export function workerStoppedError(stop: WorkerStop, opening: boolean): SqliteError {
  if (opening) {
    if (stop.cause === 'load') return new SqliteError('SQLITE_CANTOPEN', `unable to open database: ${NOT_LOADED}`);
    if (stop.cause === 'error') return new SqliteError('SQLITE_CANTOPEN', `unable to open database: the Hearth worker failed (${stop.detail})`);
    return new SqliteError('SQLITE_CANTOPEN', `unable to open database: the Hearth worker stopped (${describeStop(stop)})`);
  }
  return new SqliteError(
    'SQLITE_IOERR',
    `disk I/O error: the Hearth worker stopped (${describeStop(stop)}); its connections are closed; connect() again to reopen the database`,
  );
}
