// db.function(name, fn) from the page, in Chromium. On the cross-origin isolated origin the worker blocks
// on a SharedArrayBuffer while the page runs the function: per-row calls in an aggregate, options, errors
// thrown on the page, a result larger than the shared buffer, and a function that calls back into the
// database (it must fail, not hang). On the origin without isolation db.function rejects saying why.
import { expect, test } from '@playwright/test';
import { RUNTIME_ISOLATED_URL, RUNTIME_PLAIN_URL } from '../runtime-env.js';
import { openApp } from './support/runtime-page.js';

test('on a cross-origin isolated page, SQL calls functions of the page', async ({ page }) => {
  await openApp(page, RUNTIME_ISOLATED_URL);
  const result = await page.evaluate(async () => {
    const { connect, describeError } = window.hearth;
    const db = await connect('page-functions.db');
    let calls = 0;
    await db.function('weight', { deterministic: true }, (x: number) => {
      calls++;
      return x * 1.5;
    });
    await db.function('label', (s: string) => `<${s.toUpperCase()}>`);
    await db.function('joined', { varargs: true }, (...parts: unknown[]) => parts.join('+'));
    await db.function('kind', { safeIntegers: true }, (x: unknown) => typeof x);
    await db.function('big', (n: number) => new Uint8Array(n).fill(9));
    await db.exec('DROP TABLE IF EXISTS t; CREATE TABLE t(x INTEGER, tag TEXT)');
    await db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t SELECT i, 'g' || (i % 3) FROM n");
    const started = performance.now();
    const aggregate = await db.prepare('SELECT tag, sum(weight(x)) AS total, count(*) AS n FROM t GROUP BY tag ORDER BY tag').all();
    const perCallMs = (performance.now() - started) / 2000;
    const aggregateCalls = calls;
    const values = await db.prepare("SELECT label('hé'), joined(1, 'a', 2.5), kind(7), typeof(weight(2)), length(big(1000000)), hex(substr(big(3), 1, 1))").raw().get();

    const errors = [];
    await db.function('boom', (why: string) => {
      throw new RangeError(`page says no: ${why}`);
    });
    await db.function('coded', () => {
      throw new window.hearth.SqliteError('SQLITE_CONSTRAINT_CHECK', 'refused by the page');
    });
    await db.function('reenter', async () => db.prepare('SELECT 1').get());
    let innerError = null;
    await db.function('reenterSync', () => {
      db.exec('SELECT 1').catch((err: unknown) => (innerError = describeError(err)));
      return 1;
    });
    for (const sql of ["SELECT boom('why')", 'SELECT coded()', 'SELECT reenter()', 'SELECT reenterSync()']) {
      try {
        await db.prepare(sql).get();
        errors.push(null);
      } catch (err) {
        errors.push({ ...describeError(err), name: (err as Error).name });
      }
    }
    // The connection goes on after the failures, and a transaction shows in inTransaction.
    await db.exec('BEGIN');
    const inTransaction = db.inTransaction;
    const still = await db.prepare('SELECT weight(4)').pluck().get();
    await db.exec('COMMIT');
    const afterCommit = db.inTransaction;
    await db.close();
    return { isolated: crossOriginIsolated, aggregate, aggregateCalls, perCallMs, values, errors, innerError, inTransaction, still, afterCommit };
  });
  expect(result.isolated).toBe(true);
  const expected = [0, 1, 2].map((r) => ({ tag: `g${r}`, total: 0, n: 0 }));
  for (let x = 1; x <= 2000; x++) {
    expected[x % 3]!.total += x * 1.5;
    expected[x % 3]!.n++;
  }
  expect(result.aggregate).toEqual(expected);
  expect(result.aggregateCalls).toBe(2000);
  expect(result.values).toEqual(['<HÉ>', '1+a+2.5', 'bigint', 'real', 1000000, '09']);
  const reentry = 'the SQL function reenter() used the database';
  expect(result.errors).toEqual([
    { sqlite: false, code: undefined, name: 'RangeError', message: 'page says no: why' },
    { sqlite: true, code: 'SQLITE_CONSTRAINT_CHECK', name: 'SqliteError', message: 'refused by the page' },
    { sqlite: true, code: 'SQLITE_MISUSE', name: 'SqliteError', message: expect.stringContaining(reentry) },
    { sqlite: true, code: 'SQLITE_MISUSE', name: 'SqliteError', message: expect.stringContaining(reentry.replace('reenter', 'reenterSync')) },
  ]);
  expect(result.innerError).toEqual({ sqlite: true, code: 'SQLITE_MISUSE', message: expect.stringContaining(reentry.replace('reenter', 'reenterSync')) });
  expect({ inTransaction: result.inTransaction, still: result.still, afterCommit: result.afterCommit }).toEqual({ inTransaction: true, still: 6, afterCommit: false });
  test.info().annotations.push({ type: 'measure', description: `a SQL call of a page function costs ${(result.perCallMs * 1000).toFixed(0)} µs (2000 calls in an aggregate)` });
});

test('without cross-origin isolation, db.function rejects saying why and what to do', async ({ page }) => {
  await openApp(page, RUNTIME_PLAIN_URL);
  const error = await page.evaluate(async () => {
    const db = await window.hearth.connect(':memory:');
    try {
      await db.function('twice', (x: number) => x * 2);
      return null;
    } catch (err) {
      return window.hearth.describeError(err);
    } finally {
      await db.close();
    }
  });
  expect(error).toMatchObject({ sqlite: true, code: 'SQLITE_MISUSE' });
  expect(error!.message).toContain('needs a cross-origin isolated page');
  expect(error!.message).toContain('without SharedArrayBuffer');
  expect(error!.message).toContain('Cross-Origin-Embedder-Policy: require-corp');
  expect(error!.message).toContain('serve({ functions: { twice } })');
});
