// The runtime e2e tests' page: it imports @hearth/client as an app would and puts it on `window.hearth`
// for the tests (which drive it with page.evaluate), together with ways to start workers of the app's
// own (app-worker.ts: serve() with a SQL function; mortal-worker.ts: one a test can make die), and the
// workers the page started, the client's default one included — so a test can end that one as the
// browser would (out of memory, say), from outside the library.
import * as client from '@hearth/client';

/** Every worker the page started, in order, with the name it was given. */
const startedWorkers: { worker: Worker; name: string | undefined }[] = [];
const PageWorker = globalThis.Worker;
globalThis.Worker = class RecordedWorker extends PageWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    startedWorkers.push({ worker: this, name: options?.name });
  }
};

/** The workers the page started under `name` (the client's default worker is named 'hearth'), oldest first. */
function workersNamed(name: string): Worker[] {
  return startedWorkers.filter((started) => started.name === name).map((started) => started.worker);
}

/** Starts the app's own worker (a test may terminate it). */
function startAppWorker(): Worker {
  return new Worker(new URL('./app-worker.ts', import.meta.url), { type: 'module', name: 'app-worker' });
}

/** Starts a worker the test can make die (mortal-worker.ts). */
function startMortalWorker(): Worker {
  return new Worker(new URL('./mortal-worker.ts', import.meta.url), { type: 'module', name: 'mortal-worker' });
}

/** An error as the tests compare it: class, code, message. */
function describeError(err: unknown): { sqlite: boolean; code: string | undefined; message: string } {
  return {
    sqlite: err instanceof client.SqliteError,
    code: (err as { code?: string }).code,
    message: err instanceof Error ? err.message : String(err),
  };
}

const hearth = { ...client, startAppWorker, startMortalWorker, workersNamed, describeError };
(window as unknown as { hearth: typeof hearth }).hearth = hearth;
export type Hearth = typeof hearth;

document.getElementById('status')!.textContent = 'ready';
