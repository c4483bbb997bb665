// A worker that stops must never leave a call hanging: worker-watch.ts noticing the stop (error and
// messageerror events, the lifetime Web Lock being granted), and the remote backend and `Database`
// failing pending and later calls once it has. The worker here is the server's Comlink API over a
// MessageChannel, with one SQL text that never gets an answer (a call the worker was busy with when it
// died); the Worker object and the lock manager are stand-ins the test drives.
import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseServer, type WorkerApi, messagingApi } from '@hearth/worker';
import { remote } from '../src/backend.js';
import { type Database, openOn } from '../src/database.js';
import { failure } from './support.js';
import { type LockRequester, type WatchedWorker, type WorkerWatch, watchWorker, workerStoppedError } from '../src/worker-watch.js';

/** SQL the stand-in worker never answers. */
const NEVER_ANSWERED = 'SELECT 1 -- the worker dies on this one';

const channels: MessageChannel[] = [];
afterAll(() => {
  for (const channel of channels) channel.port1.close();
});

/** A Worker stand-in: an event target whose `terminate` is counted. */
class FakeWorker extends EventTarget implements WatchedWorker {
  terminated = 0;
  terminate(): void {
    this.terminated++;
  }
}

/** A lock manager stand-in: it grants the page's request when the test says the worker ended. */
class FakeLocks implements LockRequester {
  readonly requested: string[] = [];
  private granted: (() => unknown) | null = null;
  request(name: string, _options: { mode: 'exclusive' }, callback: () => unknown): Promise<unknown> {
    this.requested.push(name);
    this.granted = callback;
    return Promise.resolve();
  }
  /** The worker holding the lock ended: the page's request is granted. */
  workerEnded(): void {
    this.granted?.();
  }
}

/** An uncaught error in a worker, as the page receives it (an ErrorEvent; Node has no such class). */
function uncaught(message: string): Event {
  return Object.assign(new Event('error'), { message });
}

/** A connection over messages to a server that never answers NEVER_ANSWERED, with its backend watched by `watch`. */
async function connectWatched(watch: WorkerWatch): Promise<Database> {
  const server = new DatabaseServer({
    open: () => Promise.reject(new Error('files are not used here')),
    write: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    releaseAll: () => undefined,
  });
  const api = messagingApi(server);
  const dying: WorkerApi = { ...api, exec: (conn, sql) => (sql === NEVER_ANSWERED ? new Promise(() => undefined) : api.exec(conn, sql)) };
  const channel = new MessageChannel();
  channels.push(channel);
  Comlink.expose(dying, channel.port1 as unknown as Comlink.Endpoint);
  const backend = remote(Comlink.wrap<WorkerApi>(channel.port2 as unknown as Comlink.Endpoint), false, watch);
  const db = await openOn(backend, ':memory:', {}, () => undefined);
  watch.onStop((stop) => db.lose(workerStoppedError(stop, false)));
  return db;
}

describe('watchWorker', () => {
  it('takes an uncaught error as a stop, terminates the worker, and reports only the first stop', () => {
    const worker = new FakeWorker();
    const watch = watchWorker(worker, () => new Promise(() => undefined), undefined);
    const seen: unknown[] = [];
    watch.onStop((stop) => seen.push(stop));
    expect(watch.stopped).toBeNull();
    worker.dispatchEvent(uncaught('Uncaught Error: boom'));
    worker.dispatchEvent(new Event('messageerror'));
    expect(seen).toEqual([{ cause: 'error', detail: 'Uncaught Error: boom' }]);
    expect(watch.stopped).toEqual({ cause: 'error', detail: 'Uncaught Error: boom' });
    expect(worker.terminated).toBe(1);
  });

  it('tells a script that did not load (an error event without a message) from a messageerror', () => {
    const notLoaded = new FakeWorker();
    const failed = watchWorker(notLoaded, () => new Promise(() => undefined), undefined);
    notLoaded.dispatchEvent(new Event('error'));
    expect(failed.stopped).toEqual({ cause: 'load' });
    const garbled = new FakeWorker();
    const watch = watchWorker(garbled, () => new Promise(() => undefined), undefined);
    garbled.dispatchEvent(new Event('messageerror'));
    expect(watch.stopped).toEqual({ cause: 'messageerror' });
    expect(garbled.terminated).toBe(1);
  });

  it('asks for the lifetime lock only once the worker holds it, and is stopped when it is granted', async () => {
    const worker = new FakeWorker();
    const locks = new FakeLocks();
    const asked: string[] = [];
    let held!: () => void;
    const watch = watchWorker(
      worker,
      (name) => {
        asked.push(name);
        return new Promise<void>((resolve) => (held = resolve));
      },
      locks,
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^hearth-worker-/);
    await Promise.resolve();
    expect(locks.requested).toEqual([]);
    held();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(locks.requested).toEqual(asked);
    expect(watch.stopped).toBeNull();
    locks.workerEnded();
    expect(watch.stopped).toEqual({ cause: 'ended' });
    expect(worker.terminated).toBe(0);
  });

  it('says the worker is gone when the lock is granted, or at once when no lock tells', async () => {
    const settled = (promise: Promise<void>) => Promise.race([promise.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5))]);
    const worker = new FakeWorker();
    const locks = new FakeLocks();
    const watch = watchWorker(worker, () => Promise.resolve(), locks);
    await new Promise((resolve) => setTimeout(resolve, 0));
    worker.dispatchEvent(uncaught('Uncaught Error: boom'));
    expect(watch.stopped?.cause).toBe('error');
    expect(await settled(watch.gone)).toBe(false);
    locks.workerEnded();
    expect(await settled(watch.gone)).toBe(true);
    expect(watch.stopped?.cause).toBe('error');

    const unwatched = new FakeWorker();
    const early = watchWorker(unwatched, () => new Promise(() => undefined), new FakeLocks());
    unwatched.dispatchEvent(uncaught('Uncaught SyntaxError: at the top level'));
    expect(await settled(early.gone)).toBe(true);
  });

  it('gives every worker a lock name of its own, and none without a lock manager', () => {
    const names = new Set<string>();
    watchWorker(new FakeWorker(), async (name) => void names.add(name), undefined);
    expect(names.size).toBe(0);
    for (let i = 0; i < 20; i++) watchWorker(new FakeWorker(), async (name) => void names.add(name), new FakeLocks());
    expect(names.size).toBe(20);
  });
});

describe('a connection whose worker stops', () => {
  it('rejects the pending call with SQLITE_IOERR, then every later call at once, and is closed', async () => {
    const worker = new FakeWorker();
    const locks = new FakeLocks();
    const watch = watchWorker(worker, () => Promise.resolve(), locks);
    const db = await connectWatched(watch);
    await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1)');
    const statement = db.prepare('SELECT x FROM t');
    expect(await statement.pluck().get()).toBe(1);
    const pending = db.exec(NEVER_ANSWERED);
    pending.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    locks.workerEnded();
    const lost = await failure(pending);
    expect(lost.code).toBe('SQLITE_IOERR');
    expect(lost.message).toBe(
      'disk I/O error: the Hearth worker stopped (it ended: terminated, closed, or stopped by the browser, e.g. out of memory); its connections are closed; connect() again to reopen the database',
    );
    expect(db.open).toBe(false);
    expect(db.inTransaction).toBe(false);
    expect(await failure(db.exec('SELECT 1'))).toMatchObject({ code: lost.code, message: lost.message });
    expect(await failure(statement.get())).toMatchObject({ code: lost.code, message: lost.message });
    await db.close();
  });

  it('fails a transaction with the stop, without trying to roll back on the dead worker', async () => {
    const worker = new FakeWorker();
    const watch = watchWorker(worker, () => new Promise(() => undefined), undefined);
    const db = await connectWatched(watch);
    await db.exec('CREATE TABLE t(x)');
    const tx = db.transaction(async (tx) => {
      await tx.exec('INSERT INTO t VALUES (1)');
      await tx.exec(NEVER_ANSWERED);
    });
    const queued = db.exec('INSERT INTO t VALUES (2)');
    await new Promise((resolve) => setTimeout(resolve, 10));
    worker.dispatchEvent(uncaught('Uncaught RangeError: out of luck'));
    const lost = await failure(tx);
    expect(lost.code).toBe('SQLITE_IOERR');
    expect(lost.message).toContain('the Hearth worker stopped (uncaught error: Uncaught RangeError: out of luck)');
    expect(await failure(queued)).toMatchObject({ code: lost.code, message: lost.message });
    expect(worker.terminated).toBe(1);
  });

  it('makes opening calls on the stopped worker fail at once with SQLITE_CANTOPEN', async () => {
    const worker = new FakeWorker();
    const watch = watchWorker(worker, () => new Promise(() => undefined), undefined);
    const db = await connectWatched(watch);
    const backend = (db as unknown as { link: { backend: Parameters<typeof openOn>[0] } }).link.backend;
    worker.dispatchEvent(new Event('messageerror'));
    const reopen = await failure(openOn(backend, ':memory:', {}, () => undefined));
    expect(reopen.code).toBe('SQLITE_CANTOPEN');
    expect(reopen.message).toBe('unable to open database: the Hearth worker stopped (a message from it could not be deserialized)');
    expect((await failure(backend.importDatabase('x.db', new Uint8Array()))).code).toBe('SQLITE_CANTOPEN');
  });

  it('keeps the messages of a worker that failed to start', () => {
    expect(workerStoppedError({ cause: 'load' }, true).message).toMatch(/^unable to open database: the Hearth worker's script did not load \(/);
    expect(workerStoppedError({ cause: 'error', detail: 'SyntaxError: x' }, true).message).toBe('unable to open database: the Hearth worker failed (SyntaxError: x)');
  });
});
