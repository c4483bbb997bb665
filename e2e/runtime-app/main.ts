// The runtime e2e tests' page: it imports @hearth/client as an app would and puts it on `window.hearth`
// for the tests (which drive it with page.evaluate), together with a way to start a worker of the app's
// own (app-worker.ts: serve() with a SQL function) that a test can terminate.
import * as client from '@hearth/client';

/** Starts the app's own worker (a test may terminate it). */
function startAppWorker(): Worker {
  return new Worker(new URL('./app-worker.ts', import.meta.url), { type: 'module', name: 'app-worker' });
}

/** An error as the tests compare it: class, code, message. */
function describeError(err: unknown): { sqlite: boolean; code: string | undefined; message: string } {
  return {
    sqlite: err instanceof client.SqliteError,
    code: (err as { code?: string }).code,
    message: err instanceof Error ? err.message : String(err),
  };
}

const hearth = { ...client, startAppWorker, describeError };
(window as unknown as { hearth: typeof hearth }).hearth = hearth;
export type Hearth = typeof hearth;

document.getElementById('status')!.textContent = 'ready';
