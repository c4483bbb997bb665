// Packaging as users get it: `pnpm pack` of @hearth/engine, @hearth/worker and @hearth/client, installed
// with npm (plus Vite and TypeScript from the registry) into a fresh app in a temporary directory, which
// type-checks against the packages' .d.ts, builds with `vite build`, and then runs in Chromium — on a page
// with no cross-origin isolation — and under `vite` (the dev server), with no configuration and with
// `optimizeDeps.exclude`. The build must not carry the worker's code into the page's chunk, and its
// chunks must be ASCII.
// Needs the packages built first (`pnpm build`), as `pnpm test` does.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Page, expect, test } from '@playwright/test';

const PACKAGES = ['engine', 'worker', 'client'];
const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));
const app = mkdtempSync(join(tmpdir(), 'hearth-packaging-'));

const MAIN_TS = `import { connect, SqliteError, type RunResult } from '@hearth/client';

interface Todo {
  id: number;
  title: string;
}

async function main(): Promise<unknown> {
  const db = await connect('packaged.db');
  await db.exec('CREATE TABLE IF NOT EXISTS todos(id INTEGER PRIMARY KEY, title TEXT NOT NULL)');
  const inserted: RunResult = await db.prepare('INSERT INTO todos(title) VALUES (?)').run(['milk']);
  const todos: Todo[] = await db.prepare<Todo>('SELECT * FROM todos').all();
  let error = '';
  try {
    await db.exec('INSERT INTO todos(title) VALUES (NULL)');
  } catch (err) {
    if (err instanceof SqliteError) error = err.code;
  }
  const memory = await connect(':memory:');
  const answer = await memory.prepare('SELECT 6 * 7').pluck().get();
  await Promise.all([db.close(), memory.close()]);
  return { inserted, todos, error, answer, isolated: crossOriginIsolated };
}

main().then(
  (result) => (document.getElementById('result')!.textContent = JSON.stringify(result)),
  (err: unknown) => (document.getElementById('result')!.textContent = 'failed: ' + String(err)),
);
`;

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>packaged Hearth</title></head>
  <body><p id="result">running</p><script type="module" src="/main.ts"></script></body>
</html>
`;

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], strict: true, noEmit: true, skipLibCheck: false, types: [] },
  include: ['main.ts'],
};

let server: Server | null = null;
let dev: ChildProcess | null = null;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  for (const name of PACKAGES) {
    if (!existsSync(join(packagesDir, name, 'dist'))) throw new Error(`packages/${name}/dist is missing: run pnpm build first`);
    execFileSync('pnpm', ['pack', '--pack-destination', app], { cwd: join(packagesDir, name), stdio: 'pipe' });
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'packaged-app', private: true, type: 'module' }, null, 2));
  writeFileSync(join(app, 'index.html'), INDEX_HTML);
  writeFileSync(join(app, 'main.ts'), MAIN_TS);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  const tarballs = PACKAGES.map((name) => `./hearth-${name}-0.1.0.tgz`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, 'vite@7.3.8', 'typescript@5.9.3'], { cwd: app, stdio: 'pipe' });
});

test.afterAll(async () => {
  server?.close();
  stopDevServer();
  rmSync(app, { recursive: true, force: true });
});

async function expectAppWorks(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('#result')).not.toHaveText('running', { timeout: 30_000 });
  const result = JSON.parse((await page.locator('#result').textContent())!);
  expect(result).toEqual({
    inserted: { changes: 1, lastInsertRowid: 1 },
    todos: [{ id: 1, title: 'milk' }],
    error: 'SQLITE_CONSTRAINT_NOTNULL',
    answer: 42,
    isolated: false,
  });
}

test('the packed packages type-check in a fresh app', () => {
  execFileSync(join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: app, stdio: 'pipe' });
});

test('a fresh Vite app built with the packed packages works in Chromium', async ({ page }) => {
  execFileSync(join(app, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: app, stdio: 'pipe' });
  const dist = join(app, 'dist');
  // The page's chunk holds the client only; the engine and OPFS code live in the worker's chunk.
  const assets = readdirSync(join(dist, 'assets'));
  const pageChunks = assets.filter((name) => name.startsWith('index-') && name.endsWith('.js'));
  expect(pageChunks).toHaveLength(1);
  expect(readFileSync(join(dist, 'assets', pageChunks[0]!), 'utf8')).not.toContain('opened ahead');
  expect(assets.some((name) => name.startsWith('worker-') && readFileSync(join(dist, 'assets', name), 'utf8').includes('opened ahead'))).toBe(true);
  // Every chunk is ASCII: Vite prints escapes such as \ufffd as the characters themselves, and a single
  // non-ASCII character makes V8 hold the whole chunk's source as two-byte text, slower to load.
  for (const name of assets.filter((file) => file.endsWith('.js'))) {
    const bytes = readFileSync(join(dist, 'assets', name));
    expect(bytes.findIndex((byte) => byte >= 0x80), `first non-ASCII byte in ${name}`).toBe(-1);
  }
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file = join(dist, path);
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
    res.writeHead(200, { 'Content-Type': extname(file) === '.js' ? 'text/javascript' : 'text/html' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  await expectAppWorks(page, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

/** Starts `vite` (the dev server) in the app and waits until it answers. */
async function startDevServer(port: number): Promise<string> {
  dev = spawn(join(app, 'node_modules', '.bin', 'vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: app, stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}/`;
  await expect.poll(async () => (await fetch(url).catch(() => null))?.status, { timeout: 30_000 }).toBe(200);
  return url;
}

function stopDevServer(): void {
  if (dev?.pid) process.kill(-dev.pid);
  dev = null;
}

test('under the Vite dev server, with no configuration and with optimizeDeps.exclude', async ({ page }) => {
  // Vite pre-bundles @hearth/client into node_modules/.vite/deps/, away from its worker script
  // (vitejs/vite#8427); the package's `development` entry then starts the worker from the pre-bundled
  // module itself. Excluded from pre-bundling, the package finds its worker script as in a build.
  const failures: string[] = [];
  page.on('pageerror', (err) => failures.push(err.message));
  let url = await startDevServer(4176);
  await expectAppWorks(page, url);
  expect(existsSync(join(app, 'node_modules', '.vite', 'deps', '@hearth_client.js'))).toBe(true);
  expect(page.workers().map((worker) => new URL(worker.url()).pathname)).toEqual(['/node_modules/.vite/deps/@hearth_client.js']);
  stopDevServer();

  writeFileSync(join(app, 'vite.config.js'), "export default { optimizeDeps: { exclude: ['@hearth/client'] } };\n");
  url = await startDevServer(4177);
  await expectAppWorks(page, url);
  expect(page.workers().map((worker) => new URL(worker.url()).pathname)).toEqual(['/node_modules/@hearth/client/dist/worker.js']);
  stopDevServer();
  expect(failures).toEqual([]);
});
