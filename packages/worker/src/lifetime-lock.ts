/**
 * How a worker lets the page see that it ended. Browsers give a page no event when its worker stops —
 * terminated, closed with `self.close()`, or killed by the browser (out of memory) — but a Web Lock is
 * released when the context holding it ends, however it ends. So the worker takes an exclusive lock under
 * a name the page chose and never lets go; the page, once told the lock is held, asks for the same lock,
 * and is granted it exactly when the worker is gone (see @hearth/client's worker-watch.ts).
 *
 * Invariant: `holdForLifetime` resolves only once the lock is held, so a request the page makes after
 * that cannot be granted while this worker lives.
 */
import { SqliteError } from '@hearth/engine';

/** Takes Web Lock `name` for the rest of this worker's life; resolves once it is held. */
export function holdForLifetime(name: string): Promise<void> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return Promise.reject(new SqliteError('SQLITE_MISUSE', 'Web Locks are not available in this worker (not a secure context?)'));
  return new Promise<void>((held, failed) => {
    locks
      .request(name, { mode: 'exclusive' }, () => {
        held();
        return new Promise<never>(() => undefined);
      })
      .catch(failed);
  });
}
