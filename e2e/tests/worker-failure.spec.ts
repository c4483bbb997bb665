// connect() when the worker script cannot load — a 404 (not deployed) or a failed fetch (offline, no
// cached copy): it must reject at once with SQLITE_CANTOPEN saying so, never hang, and a later connect()
// must try again (and work once the script is reachable).
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
