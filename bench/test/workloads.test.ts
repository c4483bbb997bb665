// The workloads at quick sizes, in process, on Hearth and on better-sqlite3 (real SQLite): every workload
// runs without error on both and returns identical checksums. This is the bench's smoke test (the full
// benchmark never runs in the unit suite), and it fails when Hearth answers a benchmark query differently.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../../packages/engine/src/index.js';
import { QUICK_SIZES } from '../src/data.js';
import { type SyncDatabase, syncApiDriver } from '../src/drivers/sync-api.js';
import type { WorkloadHost } from '../src/workloads.js';
import { runWorkloads } from '../src/workloads.js';

const host: WorkloadHost = { now: () => performance.now(), measureHeap: async () => null, progress: () => undefined };
const sizes = { ...QUICK_SIZES, repetitions: 1 };

describe('bench workloads', () => {
  it('give the same results on Hearth and on SQLite', async () => {
    const hearth = await runWorkloads(syncApiDriver(new Database(':memory:')), sizes, host);
    const sqlite = await runWorkloads(syncApiDriver(new BetterSqlite3(':memory:') as unknown as SyncDatabase), sizes, host);
    for (const [id, result] of Object.entries(sqlite.workloads)) {
      expect(result.error, `SQLite ${id}`).toBeUndefined();
      expect(hearth.workloads[id]?.error, `Hearth ${id}`).toBeUndefined();
      expect(hearth.workloads[id]?.checksum, id).toBe(result.checksum);
      expect(result.rows, id).toBeGreaterThan(0);
    }
    expect(Object.keys(sqlite.workloads).length).toBe(11);
  });

  it('notice when an engine returns different rows', async () => {
    const db = new BetterSqlite3(':memory:');
    const honest = syncApiDriver(db as unknown as SyncDatabase);
    const lazy = { ...honest, query: (sql: string, params: Parameters<typeof honest.query>[1]) => (honest.query(sql, params) as unknown[][]).map((rows) => rows.slice(1)) };
    const result = await runWorkloads(lazy as typeof honest, sizes, host);
    const reference = await runWorkloads(syncApiDriver(new BetterSqlite3(':memory:') as unknown as SyncDatabase), sizes, host);
    expect(result.workloads['read-all']!.checksum).not.toBe(reference.workloads['read-all']!.checksum);
  });
});
