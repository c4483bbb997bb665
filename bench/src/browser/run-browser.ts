/**
 * The browser variant's runner (Node side): builds the bench page with Vite, serves it on 127.0.0.1 with
 * COOP/COEP headers (Turso's threads need a cross-origin isolated page), drives Debian's Chromium headless
 * through playwright-core (never a downloaded browser), and reads each worker's heap through the DevTools
 * protocol on request of the page.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type CDPSession } from 'playwright-core';
import { build } from 'vite';
import type { HeapSample } from '../results.js';
import type { PageResult } from './main.js';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu'];

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
};

function serve(root: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const stat = statSync(file);
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const common = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      // Vite names everything under assets/ by a hash of its content: cached for good, as static hosts do.
      'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: etag,
      'Last-Modified': stat.mtime.toUTCString(),
    };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, common).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      ...common,
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Heap usage of the page's dedicated workers, by worker name, through auto-attached CDP sessions. */
async function workerHeaps(cdp: CDPSession): Promise<(name: string) => Promise<HeapSample | null>> {
  const sessions = new Map<string, string>();
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.type === 'worker') sessions.set(event.targetInfo.title, event.sessionId);
  });
  cdp.on('Target.detachedFromTarget', (event) => {
    for (const [name, id] of sessions) if (id === event.sessionId) sessions.delete(name);
  });
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const reply = JSON.parse(event.message) as { id?: number; result?: unknown; error?: unknown };
    const resolve = reply.id !== undefined ? pending.get(reply.id) : undefined;
    if (resolve) {
      pending.delete(reply.id!);
      resolve(reply.result ?? null);
    }
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const call = (sessionId: string, method: string): Promise<unknown> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
    });
  return async (name) => {
    const sessionId = sessions.get(name);
    if (!sessionId) return null;
    await call(sessionId, 'HeapProfiler.collectGarbage');
    const usage = (await call(sessionId, 'Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number } | null;
    if (!usage) return null;
    return { jsHeapUsed: usage.usedSize, external: usage.backingStorageSize ?? null, wasmMemory: null };
  };
}

export interface BrowserRun {
  page: PageResult;
  chromiumVersion: string;
}

export async function runBrowser(benchDir: string, options: { quick: boolean; coldOnly: boolean; engines?: string[] }): Promise<BrowserRun> {
  await build({ configFile: join(benchDir, 'vite.config.ts'), logLevel: 'warn' });
  const server = await serve(join(benchDir, 'dist'));
  const profile = mkdtempSync(join(tmpdir(), 'hearth-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => console.log(message.text()));
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    const cdp = await page.context().newCDPSession(page);
    const heapOf = await workerHeaps(cdp);
    await page.exposeFunction('__benchHeap', heapOf);
    const { port } = server.address() as AddressInfo;
    const query = new URLSearchParams();
    if (options.quick) query.set('quick', '1');
    if (options.coldOnly) query.set('cold', '1');
    if (options.engines) query.set('engines', options.engines.join(','));
    await page.goto(`http://127.0.0.1:${port}/index.html?${query}`);
    const handle = await page.waitForFunction(() => window.__benchResult, undefined, { timeout: 30 * 60_000, polling: 500 });
    const result = (await handle.jsonValue()) as PageResult | { error: string };
    if ('error' in result) throw new Error(`bench page failed: ${result.error}`);
    return { page: result, chromiumVersion: context.browser()?.version() ?? 'unknown' };
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
