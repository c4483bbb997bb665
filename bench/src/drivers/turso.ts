/**
 * Turso's WASM build (`@tursodatabase/database-wasm`): in memory, or on OPFS (its own nested worker owns the
 * OPFS files). Its API is asynchronous, so each statement call is awaited, as its users must.
 */
import { connect } from '@tursodatabase/database-wasm';
import type { BindRow, OpenDriver, Row } from './driver.js';

export const openTurso: OpenDriver = async (storage, name) => {
  const db = await connect(storage === 'memory' ? ':memory:' : name);
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async run(sql, params: readonly BindRow[]) {
      const stmt = await db.prepare(sql);
      let changes = 0;
      try {
        for (const row of params) changes += (await stmt.run(...row)).changes;
      } finally {
        stmt.close();
      }
      return changes;
    },
    async query(sql, params: readonly BindRow[]) {
      const stmt = await db.prepare(sql);
      const results: Row[][] = new Array(params.length);
      try {
        for (let i = 0; i < params.length; i++) results[i] = (await stmt.all(...params[i]!)) as Row[];
      } finally {
        stmt.close();
      }
      return results;
    },
    wasmMemoryBytes: () => null,
    async close() {
      await db.close();
    },
  };
};
