// The browser runtime end to end, in Chromium: @hearth/client in a page built with Vite, the engine in
// @hearth/worker's dedicated worker, databases in OPFS. The page is driven through `window.hearth`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import Sqlite from 'better-sqlite3';
import { LAUNCH_OPTIONS, RUNTIME_ISOLATED_URL, RUNTIME_PLAIN_URL } from '../runtime-env.js';
import { ORIGINS, openApp } from './support/runtime-page.js';

const scratch = mkdtempSync(join(tmpdir(), 'hearth-e2e-'));
test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const origin of ORIGINS) {
  test(`CRUD and queries through the client (cross-origin isolated: ${origin.isolated})`, async ({ page }) => {
    await openApp(page, origin.url);
    const result = await page.evaluate(async () => {
      const { connect } = window.hearth;
      const db = await connect('crud.db');
      await db.exec('CREATE TABLE IF NOT EXISTS todos(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER DEFAULT 0)');
      const insert = db.prepare('INSERT INTO todos(title) VALUES (?)');
      const first = await insert.run(['milk']);
      await insert.run('eggs');
      await insert.run('bread');
      await db.prepare('UPDATE todos SET done = 1 WHERE title = ?').run('eggs');
      await db.prepare('DELETE FROM todos WHERE title = ?').run('bread');
      const rows = await db.prepare<{ id: number; title: string; done: number }>('SELECT * FROM todos ORDER BY id').all();
      const open = await db.prepare('SELECT count(*) FROM todos WHERE done = 0').pluck().get();
      const streamed: string[] = [];
      for await (const row of db.prepare<{ title: string }>('SELECT title FROM todos ORDER BY id').iterate()) streamed.push(row.title);
      const blob = await db.prepare('SELECT x\'00ff10\' AS b').get();
      const cache = db.cache;
      await db.close();
      return { isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer, first, rows, open, streamed, blob: Array.from((blob as { b: Uint8Array }).b), cache };
    });
    expect(result.isolated).toBe(origin.isolated);
    expect(result.sab).toBe(origin.isolated ? 'function' : 'undefined');
    expect(result.cache.shared).toBe(origin.isolated);
    expect(result.cache.bytes).toBe(16 * 1024 * 1024);
    expect(result.first).toEqual({ changes: 1, lastInsertRowid: 1 });
    expect(result.rows).toEqual([
      { id: 1, title: 'milk', done: 0 },
      { id: 2, title: 'eggs', done: 1 },
    ]);
    expect(result.open).toBe(1);
    expect(result.streamed).toEqual(['milk', 'eggs']);
    expect(result.blob).toEqual([0, 255, 16]);
  });
}

test('data survives a page reload', async ({ page }) => {
  await openApp(page);
  await page.evaluate(async () => {
    const db = await window.hearth.connect('reload.db');
    await db.exec("CREATE TABLE t(x); INSERT INTO t VALUES ('before reload')");
    // Left open on purpose: the page closes it on pagehide.
  });
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  const rows = await page.evaluate(async () => {
    const db = await window.hearth.connect('reload.db');
    const rows = await db.prepare('SELECT x FROM t').pluck().all();
    await db.close();
    return rows;
  });
  expect(rows).toEqual(['before reload']);
});

test('data survives a browser restart', async () => {
  const profile = join(scratch, 'profile');
  for (const round of [1, 2]) {
    const context = await chromium.launchPersistentContext(profile, { ...LAUNCH_OPTIONS, headless: true });
    const page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    const rows = await page.evaluate(async (round) => {
      const db = await window.hearth.connect('restart.db');
      await db.exec('CREATE TABLE IF NOT EXISTS t(round INTEGER)');
      await db.prepare('INSERT INTO t VALUES (?)').run(round);
      const rows = await db.prepare('SELECT round FROM t ORDER BY round').pluck().all();
      await db.close();
      return rows;
    }, round);
    expect(rows).toEqual(round === 1 ? [1] : [1, 2]);
    await context.close();
  }
});

test('two databases at once, :memory: databases, persist and the storage estimate', async ({ page }) => {
  await openApp(page);
  const result = await page.evaluate(async () => {
    const { connect, storageEstimate } = window.hearth;
    const [a, b, m1, m2] = await Promise.all([connect('a.db', { persist: true }), connect('b.db'), connect(':memory:'), connect(':memory:')]);
    await Promise.all([a.exec("CREATE TABLE t(x); INSERT INTO t VALUES ('a')"), b.exec("CREATE TABLE t(x); INSERT INTO t VALUES ('b')")]);
    await m1.exec("CREATE TABLE t(x); INSERT INTO t VALUES ('m1')");
    await m2.exec('CREATE TABLE u(y)');
    const seen = await Promise.all([a, b, m1].map((db) => db.prepare('SELECT x FROM t').pluck().get()));
    const m2Tables = await m2.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    await Promise.all([a, b, m1, m2].map((db) => db.close()));
    const again = await connect('b.db');
    const b2 = await again.prepare('SELECT x FROM t').pluck().get();
    await again.close();
    const storage = await storageEstimate();
    return { seen, m2Tables, b2, storage: storage && { usage: typeof storage.usage, quota: storage.quota > storage.usage, persisted: typeof storage.persisted } };
  });
  expect(result).toEqual({ seen: ['a', 'b', 'm1'], m2Tables: ['u'], b2: 'b', storage: { usage: 'number', quota: true, persisted: 'boolean' } });
});

test('a second tab gets SQLITE_BUSY naming the cause', async ({ page, context }) => {
  await openApp(page);
  await page.evaluate(async () => {
    const db = await window.hearth.connect('shared.db');
    await db.exec('CREATE TABLE t(x)');
  });
  const second = await context.newPage();
  await openApp(second);
  const error = await second.evaluate(async () => {
    try {
      await window.hearth.connect('shared.db');
      return null;
    } catch (err) {
      return window.hearth.describeError(err);
    }
  });
  expect(error).toEqual({ sqlite: true, code: 'SQLITE_BUSY', message: 'database is locked: "shared.db" is open in another tab or worker' });
  // The first tab is unharmed.
  const count = await page.evaluate(async () => {
    const db = await window.hearth.connect('shared.db');
    return db.prepare('SELECT count(*) FROM t').pluck().get();
  });
  expect(count).toBe(0);
});

test('syntax and constraint errors reach the page with code and message', async ({ page }) => {
  await openApp(page);
  const errors = await page.evaluate(async () => {
    const { connect, describeError } = window.hearth;
    const db = await connect('errors.db');
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE NOT NULL)');
    await db.exec("INSERT INTO t(v) VALUES ('a')");
    const failures = [];
    for (const attempt of [
      () => db.prepare('SELEC * FROM t').all(),
      () => db.exec("INSERT INTO t(v) VALUES ('a')"),
      () => db.prepare('INSERT INTO t(v) VALUES (?)').run(null),
      () => db.prepare('SELECT nope FROM t').get(),
    ]) {
      try {
        await attempt();
        failures.push(null);
      } catch (err) {
        failures.push(describeError(err));
      }
    }
    await db.close();
    return failures;
  });
  expect(errors).toEqual([
    { sqlite: true, code: 'SQLITE_ERROR', message: 'near "SELEC": syntax error' },
    { sqlite: true, code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: t.v' },
    { sqlite: true, code: 'SQLITE_CONSTRAINT_NOTNULL', message: 'NOT NULL constraint failed: t.v' },
    { sqlite: true, code: 'SQLITE_ERROR', message: 'no such column: nope' },
  ]);
});

test('a worker terminated in the middle of a write transaction loses only the uncommitted work', async ({ page }) => {
  await openApp(page);
  const result = await page.evaluate(async () => {
    const { connect, startAppWorker } = window.hearth;
    const worker = startAppWorker();
    // A small cache makes the transaction spill pages to the WAL before its commit.
    const db = await connect('crash.db', { worker, cacheSize: -128 });
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)');
    await db.exec('INSERT INTO t(b) SELECT randomblob(1000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) SELECT i FROM n)');
    await db.exec('BEGIN');
    await db.exec('INSERT INTO t(b) SELECT randomblob(1000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT i FROM n)');
    // Still writing when the worker dies.
    void db.exec('INSERT INTO t(b) SELECT randomblob(1000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i FROM n)').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 150));
    worker.terminate();

    // The browser frees the dead worker's file handles a moment later: until then opening is SQLITE_BUSY.
    const stopped = Date.now();
    const replacement = startAppWorker();
    let again;
    for (;;) {
      try {
        again = await connect('crash.db', { worker: replacement });
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() - stopped > 15_000) throw err;
      }
    }
    const waited = Date.now() - stopped;
    const count = await again.prepare('SELECT count(*) FROM t').pluck().get();
    const integrity = await again.pragma('integrity_check', { simple: true });
    await again.exec('INSERT INTO t(b) VALUES (x\'01\')');
    const after = await again.prepare('SELECT count(*) FROM t').pluck().get();
    await again.close();
    replacement.terminate();
    return { count, integrity, after, waited };
  });
  expect({ ...result, waited: undefined }).toEqual({ count: 300, integrity: 'ok', after: 301, waited: undefined });
  test.info().annotations.push({ type: 'timing', description: `files free again ${result.waited} ms after terminate()` });
});

test('export() bytes open in real SQLite, and a file made by real SQLite imports', async ({ page }) => {
  await openApp(page);
  const exported = await page.evaluate(async () => {
    const db = await window.hearth.connect('export.db');
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL); CREATE INDEX t_name ON t(name)');
    await db.exec("INSERT INTO t(name, score) SELECT 'n' || i, i / 4.0 FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) SELECT i FROM n)");
    const bytes = await db.export();
    await db.close();
    return Array.from(bytes);
  });
  const exportFile = join(scratch, 'exported.db');
  writeFileSync(exportFile, Uint8Array.from(exported));
  const sqlite = new Sqlite(exportFile);
  expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(sqlite.prepare("SELECT count(*) FROM t WHERE name LIKE 'n1%'").pluck().get()).toBe(1111);
  expect(sqlite.prepare('SELECT count(*) AS n, sum(score) AS s FROM t').get()).toEqual({ n: 3000, s: (3000 * 3001) / 2 / 4 });
  sqlite.close();

  const madeFile = join(scratch, 'made.db');
  const made = new Sqlite(madeFile);
  made.exec("CREATE TABLE p(k TEXT PRIMARY KEY, v INTEGER); CREATE INDEX p_v ON p(v)");
  const put = made.prepare('INSERT INTO p VALUES (?, ?)');
  made.transaction(() => {
    for (let i = 0; i < 2000; i++) put.run(`key${i}`, i * 3);
  })();
  made.close();
  const bytes = Array.from(readFileSync(madeFile));
  const imported = await page.evaluate(async (bytes) => {
    const { importDatabase, connect, describeError } = window.hearth;
    await importDatabase('imported.db', Uint8Array.from(bytes));
    const db = await connect('imported.db');
    const row = await db.prepare('SELECT count(*) AS n, sum(v) AS s, max(k) AS k FROM p').get();
    const lookup = await db.prepare('SELECT k FROM p WHERE v = ?').pluck().get(300);
    const integrity = await db.pragma('integrity_check', { simple: true });
    await db.close();
    let rejected = null;
    try {
      await importDatabase('garbage.db', new Uint8Array(4096).fill(7));
    } catch (err) {
      rejected = describeError(err);
    }
    return { row, lookup, integrity, rejected };
  }, bytes);
  expect(imported).toEqual({
    row: { n: 2000, s: 3 * (1999 * 2000) / 2, k: 'key999' },
    lookup: 'key100',
    integrity: 'ok',
    rejected: { sqlite: true, code: 'SQLITE_NOTADB', message: 'file is not a database' },
  });
});

test('SQL functions defined in an app worker', async ({ page }) => {
  await openApp(page);
  const result = await page.evaluate(async () => {
    const { connect, startAppWorker, describeError } = window.hearth;
    const worker = startAppWorker();
    const db = await connect(':memory:', { worker });
    const value = await db.prepare('SELECT twice(21)').pluck().get();
    let refused = null;
    try {
      await db.function('thrice', (x: number) => x * 3);
    } catch (err) {
      refused = describeError(err).code;
    }
    await db.close();
    worker.terminate();
    return { value, refused };
  });
  expect(result).toEqual({ value: 42, refused: 'SQLITE_MISUSE' });
});

test('a full quota is SQLITE_FULL, and the database goes on once space is freed', async ({ page, context }) => {
  await openApp(page);
  const usage = await page.evaluate(async () => {
    const { connect, storageEstimate } = window.hearth;
    const ballast = await connect('ballast.db');
    await ballast.exec('CREATE TABLE t(b); INSERT INTO t SELECT randomblob(100000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) SELECT i FROM n)');
    await ballast.close();
    return (await storageEstimate())!.usage;
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: RUNTIME_PLAIN_URL, quotaSize: usage + 1_500_000 });
  const result = await page.evaluate(async () => {
    const { connect, deleteDatabase, describeError } = window.hearth;
    const db = await connect('full.db');
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)');
    const insert = db.prepare('INSERT INTO t(b) VALUES (randomblob(30000))');
    let committed = 0;
    let error = null;
    for (let i = 0; i < 1000 && !error; i++) {
      try {
        await insert.run();
        committed++;
      } catch (err) {
        error = describeError(err);
      }
    }
    const countAtFull = await db.prepare('SELECT count(*) FROM t').pluck().get();
    const integrityAtFull = await db.pragma('integrity_check', { simple: true });
    await deleteDatabase('ballast.db');
    for (let i = 0; i < 20; i++) await insert.run();
    const countAfter = await db.prepare('SELECT count(*) FROM t').pluck().get();
    const integrityAfter = await db.pragma('integrity_check', { simple: true });
    await db.close();
    return { committed, error, countAtFull, integrityAtFull, countAfter, integrityAfter };
  });
  expect(result.error).toEqual({ sqlite: true, code: 'SQLITE_FULL', message: 'database or disk is full' });
  expect(result.committed).toBeGreaterThan(5);
  expect(result.countAtFull).toBe(result.committed);
  expect(result.integrityAtFull).toBe('ok');
  expect(result.countAfter).toBe(result.committed + 20);
  expect(result.integrityAfter).toBe('ok');
});

test('a 100 MB database: built, queried, reopened, with the worker\'s memory bounded', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page, RUNTIME_ISOLATED_URL);
  const started = Date.now();
  const result = await page.evaluate(async () => {
    const { connect } = window.hearth;
    const chunk = 'INSERT INTO big(b) SELECT randomblob(4000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) SELECT i FROM n)';
    let db = await connect('big.db', { cacheSize: -2048 });
    await db.exec('CREATE TABLE big(id INTEGER PRIMARY KEY, b BLOB)');
    for (let i = 0; i < 10; i++) await db.exec(chunk);
    const bytes = ((await db.pragma('page_count', { simple: true })) as number) * ((await db.pragma('page_size', { simple: true })) as number);
    await db.close();
    db = await connect('big.db', { cacheSize: -2048 });
    const scan = await db.prepare('SELECT count(*) AS n, sum(length(b)) AS total FROM big').get();
    const probe = await db.prepare('SELECT length(b) FROM big WHERE id = ?').pluck().get(12345);
    // The worker's memory, with the database open after a full scan (needs cross-origin isolation).
    const measure = (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ breakdown: { bytes: number; attribution: { scope: string }[] }[] }> }).measureUserAgentSpecificMemory;
    const memory = await measure.call(performance);
    const workerBytes = memory.breakdown.filter((entry) => entry.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((sum, entry) => sum + entry.bytes, 0);
    await db.close();
    return { bytes, scan, probe, workerBytes };
  });
  const seconds = (Date.now() - started) / 1000;
  expect(result.bytes).toBeGreaterThanOrEqual(100 * 1000 * 1000);
  expect(result.scan).toEqual({ n: 25000, total: 100_000_000 });
  expect(result.probe).toBe(4000);
  // A 2 MiB page cache: the worker stays far below the database's size.
  expect(result.workerBytes).toBeGreaterThan(0);
  expect(result.workerBytes).toBeLessThan(40 * 1024 * 1024);
  const megabytes = (result.workerBytes / 1024 / 1024).toFixed(1);
  test.info().annotations.push({ type: 'measure', description: `100 MB built, scanned and reopened in ${seconds.toFixed(1)} s; worker memory ${megabytes} MiB` });
  console.log(`100 MB database: ${seconds.toFixed(1)} s, worker memory ${megabytes} MiB`);
});
