/**
 * wa-sqlite (the `@journeyapps/wa-sqlite` build on npm; the upstream project publishes only from GitHub):
 * its synchronous WebAssembly build, in memory or on OPFS through its `AccessHandlePoolVFS` (pre-opened
 * sync access handles, the same approach as sqlite-wasm's opfs-sahpool). Its API is asynchronous — every
 * step and reset returns a promise — and the driver awaits it as its users do. As for sqlite-wasm, the
 * OPFS connection holds its file with `locking_mode = EXCLUSIVE`, with the same 16 MiB page cache.
 */
import * as SQLite from '@journeyapps/wa-sqlite';
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs';
import { AccessHandlePoolVFS } from '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js';
import type { BindRow, Driver, OpenDriver, Row } from './driver.js';

type Api = ReturnType<typeof SQLite.Factory>;

const VFS_NAME = 'bench-wa-sqlite';

let ready: Promise<{ module: { HEAPU8: Uint8Array }; sqlite3: Api }> | null = null;
let pool: AccessHandlePoolVFS | null = null;

export const openWaSqlite: OpenDriver = async (storage, name) => {
  ready ??= SQLiteESMFactory().then((module: { HEAPU8: Uint8Array }) => ({ module, sqlite3: SQLite.Factory(module) }));
  const { module, sqlite3 } = await ready;
  if (storage === 'memory') return waSqliteDriver(sqlite3, module, await sqlite3.open_v2(':memory:'));
  if (!pool) {
    pool = await AccessHandlePoolVFS.create(VFS_NAME, module);
    sqlite3.vfs_register(pool as unknown as SQLiteVFS, false);
  }
  const db = await sqlite3.open_v2(name, SQLite.SQLITE_OPEN_CREATE | SQLite.SQLITE_OPEN_READWRITE, VFS_NAME);
  // The page cache sqlite-wasm's build and Hearth use on OPFS (16 MiB), not SQLite's 2 MB default that
  // this build keeps: with it the join workload rereads pages from OPFS and takes five times as long.
  await sqlite3.exec(db, 'PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -16384');
  return waSqliteDriver(sqlite3, module, db);
};

function waSqliteDriver(sqlite3: Api, module: { HEAPU8: Uint8Array }, db: number): Driver {
  /** Prepares `sql` (one statement) and hands it to `each`; finalized afterwards. */
  async function withStatement<T>(sql: string, each: (stmt: number) => Promise<T>): Promise<T> {
    for await (const stmt of sqlite3.statements(db, sql)) return await each(stmt);
    throw new Error(`no statement in ${sql}`);
  }
  return {
    async exec(sql) {
      await sqlite3.exec(db, sql);
    },
    run: (sql, params: readonly BindRow[]) =>
      withStatement(sql, async (stmt) => {
        let changes = 0;
        for (const row of params) {
          if (row.length > 0) sqlite3.bind_collection(stmt, row as (number | string | null)[]);
          await sqlite3.step(stmt);
          changes += sqlite3.changes(db);
          await sqlite3.reset(stmt);
        }
        return changes;
      }),
    query: (sql, params: readonly BindRow[]) =>
      withStatement(sql, async (stmt) => {
        const names = sqlite3.column_names(stmt);
        const results: Row[][] = new Array(params.length);
        for (let i = 0; i < params.length; i++) {
          const bind = params[i]!;
          if (bind.length > 0) sqlite3.bind_collection(stmt, bind as (number | string | null)[]);
          const rows: Row[] = [];
          while ((await sqlite3.step(stmt)) === SQLite.SQLITE_ROW) {
            const values = sqlite3.row(stmt);
            const row: Row = {};
            for (let c = 0; c < names.length; c++) row[names[c]!] = values[c];
            rows.push(row);
          }
          await sqlite3.reset(stmt);
          results[i] = rows;
        }
        return results;
      }),
    wasmMemoryBytes: () => module.HEAPU8.byteLength,
    async close() {
      await sqlite3.close(db);
      // The pool's handles are released so that the next worker can open the same OPFS files.
      await pool?.close();
      pool = null;
    },
  };
}
