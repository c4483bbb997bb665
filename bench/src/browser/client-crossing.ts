/**
 * The crossing workload for Hearth as its users cross the boundary: through @hearth/client, on the page's
 * main thread — `connect()` to a dedicated worker serving the database over Comlink, then `all()`. On OPFS
 * the client's worker reopens the workloads' database file once their worker has closed it; in memory it
 * opens a new `:memory:` database and gives it the same `items` rows (untimed). Timed, per repetition: the
 * query in the worker, the rows crossing, and their objects made on this thread.
 */
import { type Database, connect } from '@hearth/client';
import { type Sizes, itemRows } from '../data.js';
import type { EngineConfig } from '../engines.js';
import type { CrossingClient } from '../orchestrate.js';
import { CROSSING_SQL, INSERT_ITEM, ITEMS_COLUMNS } from '../workloads.js';

/** Rows per INSERT statement when filling an in-memory database (one message each). */
const ROWS_PER_INSERT = 500;

export async function openHearthClient(config: EngineConfig, sizes: Sizes): Promise<CrossingClient> {
  // The worker @hearth/client starts by default, made here: the bench bundles the client from its source,
  // where the default worker's built file is not.
  const worker = new Worker(new URL('./client-worker.ts', import.meta.url), { type: 'module', name: `client-${config.id}` });
  try {
    const memory = config.storage === 'memory';
    const db = await connect(memory ? ':memory:' : `${config.id}.db`, { worker });
    if (memory) await fillItems(db, sizes.items);
    const statement = db.prepare(CROSSING_SQL);
    return {
      query: (params) => statement.all(...params),
      async close() {
        await db.close();
        worker.terminate();
      },
    };
  } catch (error) {
    worker.terminate();
    throw error;
  }
}

/** Creates and fills `items` as the bulk-insert workload leaves it, in a few hundred messages. */
async function fillItems(db: Database, count: number): Promise<void> {
  const rows = itemRows(count);
  await db.transaction(async (tx) => {
    await tx.exec(`CREATE TABLE items ${ITEMS_COLUMNS}`);
    for (let from = 0; from < rows.length; from += ROWS_PER_INSERT) {
      const chunk = rows.slice(from, from + ROWS_PER_INSERT);
      const insert = tx.prepare(INSERT_ITEM + ', (?, ?, ?, ?, ?, ?)'.repeat(chunk.length - 1));
      await insert.run(...chunk.flat());
      await insert.close();
    }
  });
}
