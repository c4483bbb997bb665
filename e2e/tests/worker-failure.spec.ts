// A worker that fails never leaves the page hanging.
// - connect() when the worker script cannot load — a 404 (not deployed) or a failed fetch (offline, no
//   cached copy): it must reject at once with SQLITE_CANTOPEN saying so, and a later connect() must try
//   again (and work once the script is reachable).
// - A worker that dies with a connection open — an uncaught error, `self.close()`, or ended from outside
//   as the browser ends it (out of memory): the pending call rejects at once with SQLITE_IOERR, later
//   calls too, the connection is closed, and a new connect() reopens the file with its committed data.
import { expect, test } from '@playwright/test';
import { RUNTIME_PLAIN_URL } from '../runtime-env.js';
import { openApp } from './support/runtime-page.js';

/** The built default worker of the test app (Vite names it assets/worker-<hash>.js). */
const WORKER_SCRIPT = /\/assets\/worker-[\w-]+\.js$/;

for (const failure of ['404', 'offline'] as const) {
  test(`connect() rejects clearly when the worker script does not load (${failure}), and retries later`, async ({ page }) => {
    let blocked = 0;
    await page.route(WORKER_SCRIPT, (route) => {
      blocked++;
      return failure === '404' ? route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }) : route.abort('internetdisconnected');
    });
    await openApp(page, RUNTIME_PLAIN_URL);
    const attempt = () =>
      page.evaluate(async () => {
        const { connect, describeError } = window.hearth;
        const started = performance.now();
        const result = await Promise.race([
          connect('unreachable.db').then(
            async (db) => {
              const answer = await db.prepare('SELECT 6 * 7').pluck().get();
              await db.close();
              return { answer };
            },
            (err: unknown) => describeError(err),
          ),
          new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000)),
        ]);
        return { result, ms: performance.now() - started };
      });
    const first = await attempt();
    expect(first.result).toEqual({ sqlite: true, code: 'SQLITE_CANTOPEN', message: expect.stringContaining("the Hearth worker's script did not load") });
    expect(first.ms).toBeLessThan(5_000);
    const second = await attempt();
    expect(second.result).toEqual(first.result);
    expect(blocked).toBe(2);

    await page.unroute(WORKER_SCRIPT);
    const recovered = await attempt();
    expect(recovered.result).toEqual({ answer: 42 });
  });
}

/** A query that keeps the worker busy far longer than any test waits: only the worker's death ends it. */
const ENDLESS = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n';

for (const death of ['throw', 'close'] as const) {
  test(`a worker that dies with a call pending (${death === 'throw' ? 'uncaught error' : 'self.close()'}) fails it at once, closes its connections, and the file reopens`, async ({ page }) => {
    await openApp(page, RUNTIME_PLAIN_URL);
    const result = await page.evaluate(
      async ({ death, endless }) => {
        const { connect, startMortalWorker, describeError } = window.hearth;
        const worker = startMortalWorker();
        const db = await connect('mortal.db', { worker });
        await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)');
        const count = db.prepare('SELECT count(*) FROM t').pluck();
        await count.get();
        await db.exec('BEGIN; INSERT INTO t VALUES (3)');

        worker.postMessage({ die: death });
        const started = performance.now();
        const pending = await Promise.race([
          db.exec(endless).then(() => 'answered', describeError),
          new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000)),
        ]);
        const ms = performance.now() - started;
        const later = await db.exec('SELECT 1').then(() => 'answered', describeError);
        const statement = await count.get().then(() => 'answered', describeError);
        const open = db.open;
        await db.close();

        const again = await connect('mortal.db', { worker: startMortalWorker() });
        const rows = await again.prepare('SELECT x FROM t ORDER BY x').pluck().all();
        const integrity = await again.pragma('integrity_check', { simple: true });
        await again.close();
        return { pending, ms, later, statement, open, rows, integrity };
      },
      { death, endless: ENDLESS },
    );
    const why = death === 'throw' ? 'uncaught error: Uncaught Error: the mortal worker was told to throw' : 'it ended: terminated, closed, or stopped by the browser, e.g. out of memory';
    const stopped = {
      sqlite: true,
      code: 'SQLITE_IOERR',
      message: `disk I/O error: the Hearth worker stopped (${why}); its connections are closed; connect() again to reopen the database`,
    };
    expect(result).toEqual({ pending: stopped, ms: expect.any(Number), later: stopped, statement: stopped, open: false, rows: [1, 2], integrity: 'ok' });
    expect(result.ms).toBeLessThan(2_000);
  });
}

test('the default worker ended from outside (as by the browser) fails the pending call, and the next connect() starts a new one', async ({ page }) => {
  await openApp(page, RUNTIME_PLAIN_URL);
  const result = await page.evaluate(async (endless) => {
    const { connect, workersNamed, describeError } = window.hearth;
    const db = await connect('default-ends.db');
    await db.exec('CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (42)');
    const running = db.exec(endless).then(() => 'answered', describeError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    workersNamed('hearth')[0]!.terminate();
    const started = performance.now();
    const pending = await Promise.race([running, new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000))]);
    const ms = performance.now() - started;
    const later = await db.prepare('SELECT 1').get().then(() => 'answered', describeError);

    const again = await connect('default-ends.db');
    const rows = await again.prepare('SELECT x FROM t').pluck().all();
    await again.close();
    return { pending, ms, later, open: db.open, rows, defaultWorkers: workersNamed('hearth').length };
  }, ENDLESS);
  const stopped = {
    sqlite: true,
    code: 'SQLITE_IOERR',
    message: 'disk I/O error: the Hearth worker stopped (it ended: terminated, closed, or stopped by the browser, e.g. out of memory); its connections are closed; connect() again to reopen the database',
  };
  expect(result).toEqual({ pending: stopped, ms: expect.any(Number), later: stopped, open: false, rows: [42], defaultWorkers: 2 });
  // The page learns of the end when the browser has torn the worker down, which takes a moment when busy.
  expect(result.ms).toBeLessThan(5_000);
  test.info().annotations.push({ type: 'timing', description: `pending call failed ${Math.round(result.ms)} ms after terminate()` });
});
