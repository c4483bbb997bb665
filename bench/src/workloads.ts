/**
 * The workloads of issue 6, each the same data and statements for every engine, and the loop that runs them
 * on one engine: an untimed warm-up, then timed repetitions (median reported). Untimed `setup`/`teardown`
 * bring the database to the same state before each repetition; an untimed `verify` query adds to the checksum
 * what a statement without rows did (the rows an UPDATE left, the order an index gives), so every engine is
 * checked for doing the whole work. Workloads run in the listed order and later ones use earlier ones' tables.
 */
import * as data from './data.js';
import type { Sizes } from './data.js';
import type { Driver } from './drivers/driver.js';
import { Checksum } from './checksum.js';
import type { EngineRun, HeapSample, WorkloadResult } from './results.js';

export const ITEMS_COLUMNS = '(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, category INTEGER NOT NULL, name TEXT NOT NULL, price REAL NOT NULL, note TEXT)';
export const INSERT_ITEM = 'INSERT INTO items (id, k, category, name, price, note) VALUES (?, ?, ?, ?, ?, ?)';

/** The query whose result set crosses from the engine's worker to the main thread. */
export const CROSSING_SQL = 'SELECT * FROM items WHERE id <= ? ORDER BY id';

export interface WorkloadInfo {
  id: string;
  title: string;
}

/** Every workload in report order; cold start and crossing are measured by the orchestrator. */
export const WORKLOADS: WorkloadInfo[] = [
  { id: 'cold-start', title: 'Cold start: new worker to first result' },
  { id: 'bulk-insert', title: 'Insert 100k rows in one transaction' },
  { id: 'autocommit-insert', title: '1,000 autocommit inserts (durable commits)' },
  { id: 'lookup-rowid', title: '10k point lookups by rowid' },
  { id: 'lookup-index', title: '10k point lookups by secondary index' },
  { id: 'range-scan', title: '100 range scans of ~1k rows (index)' },
  { id: 'create-index', title: 'CREATE INDEX on 100k rows' },
  { id: 'group-by', title: 'Full-scan GROUP BY aggregate' },
  { id: 'join', title: 'Three-table join, ORDER BY / LIMIT (10 queries)' },
  { id: 'read-all', title: 'Read 100k rows' },
  { id: 'update-delete', title: 'UPDATE 10% + DELETE 10% by range' },
  { id: 'like', title: 'LIKE text search (full scans)' },
  { id: 'crossing', title: '10k-row result set, worker to main thread' },
];

interface Workload {
  id: string;
  /** Untimed, once before the warm-up. */
  prepareOnce?(db: Driver): Promise<void>;
  /** Untimed, before each repetition. */
  setup?(db: Driver): Promise<void>;
  /** The measured work (awaited: a driver may answer synchronously); its result is checksummed. */
  body(db: Driver): unknown;
  /** Untimed, after the measured work: what it returns is checksummed too. */
  verify?(db: Driver): unknown;
  /** Untimed, after each repetition. */
  teardown?(db: Driver): Promise<void>;
}

function workloads(sizes: Sizes): Workload[] {
  const n = sizes.items;
  const items = data.itemRows(n);
  const tenth = Math.floor(n / 10);
  return [
    {
      id: 'bulk-insert',
      async setup(db) {
        await db.exec(`DROP TABLE IF EXISTS items; CREATE TABLE items ${ITEMS_COLUMNS}`);
      },
      async body(db) {
        await db.exec('BEGIN');
        const changes = await db.run(INSERT_ITEM, items);
        await db.exec('COMMIT');
        return changes;
      },
      verify: (db) => db.query('SELECT count(*) AS n, sum(k) AS k, max(name) AS name FROM items', [[]]),
    },
    {
      id: 'autocommit-insert',
      async setup(db) {
        await db.exec('DROP TABLE IF EXISTS log; CREATE TABLE log (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, msg TEXT NOT NULL)');
      },
      body: (db) => db.run('INSERT INTO log (t, msg) VALUES (?, ?)', data.logRows(sizes.autocommitInserts)),
      verify: (db) => db.query('SELECT count(*) AS n, sum(t) AS t, max(msg) AS msg FROM log', [[]]),
    },
    {
      id: 'lookup-rowid',
      body: (db) => db.query('SELECT * FROM items WHERE id = ?', data.lookupIds(sizes.lookups, n)),
    },
    {
      id: 'lookup-index',
      async prepareOnce(db) {
        await db.exec('CREATE INDEX items_k ON items (k)');
      },
      body: (db) => db.query('SELECT * FROM items WHERE k = ?', data.lookupKeys(sizes.lookups, n)),
    },
    {
      id: 'range-scan',
      body: (db) =>
        db.query('SELECT id, k, price FROM items WHERE k BETWEEN ? AND ? ORDER BY k', data.keyRanges(sizes.ranges, sizes.rowsPerRange, n)),
    },
    {
      id: 'create-index',
      body: (db) => db.exec('CREATE INDEX items_category ON items (category, name)'),
      verify: (db) =>
        db.query('SELECT category, name, id FROM items INDEXED BY items_category WHERE category = ? ORDER BY category, name, id LIMIT 50', [[7], [42]]),
      async teardown(db) {
        await db.exec('DROP INDEX items_category');
      },
    },
    {
      id: 'group-by',
      body: (db) =>
        db.query(
          'SELECT category, count(*) AS n, sum(price) AS total, avg(price) AS mean, min(name) AS first_name, max(k) AS max_k FROM items GROUP BY category ORDER BY category',
          [[]],
        ),
    },
    {
      id: 'join',
      async prepareOnce(db) {
        await db.exec(
          'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL);' +
            'CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, item_id INTEGER NOT NULL, qty INTEGER NOT NULL)',
        );
        await db.exec('BEGIN');
        await db.run('INSERT INTO customers (id, name, region) VALUES (?, ?, ?)', data.customerRows(sizes.customers));
        await db.run('INSERT INTO orders (id, customer_id, item_id, qty) VALUES (?, ?, ?, ?)', data.orderRows(sizes.orders, sizes.customers, n));
        await db.exec('COMMIT');
        await db.exec('CREATE INDEX orders_customer ON orders (customer_id)');
      },
      body: (db) =>
        db.query(
          'SELECT o.id AS order_id, c.name AS customer, i.name AS item, o.qty * i.price AS total ' +
            'FROM orders o JOIN customers c ON c.id = o.customer_id JOIN items i ON i.id = o.item_id ' +
            'WHERE c.region = ? ORDER BY total DESC, o.id LIMIT 20',
          data.joinRegions(sizes.joinQueries),
        ),
    },
    {
      id: 'read-all',
      body: (db) => db.query('SELECT * FROM items', [[]]),
    },
    {
      id: 'update-delete',
      async setup(db) {
        await db.exec(
          `DROP TABLE IF EXISTS scratch; CREATE TABLE scratch ${ITEMS_COLUMNS}; INSERT INTO scratch SELECT * FROM items; CREATE INDEX scratch_k ON scratch (k)`,
        );
      },
      async body(db) {
        const updated = await db.run("UPDATE scratch SET price = price * 1.1, note = 'updated' WHERE id > ? AND id <= ?", [[2 * tenth, 3 * tenth]]);
        const deleted = await db.run('DELETE FROM scratch WHERE id > ? AND id <= ?', [[5 * tenth, 6 * tenth]]);
        return [updated, deleted];
      },
      verify: (db) =>
        db.query("SELECT count(*) AS n, sum(price) AS total, sum(note = 'updated') AS updated, sum(k) AS k FROM scratch", [[]]),
      async teardown(db) {
        await db.exec('DROP TABLE scratch');
      },
    },
    {
      id: 'like',
      body: (db) => db.query('SELECT id, name FROM items WHERE name LIKE ? ORDER BY id', data.likePatterns(sizes.likePatterns)),
    },
  ];
}

/** What the loop needs from where it runs. */
export interface WorkloadHost {
  now(): number;
  /** The JS heap of this worker after a garbage collection, or null where it cannot be measured. */
  measureHeap(): Promise<HeapSample | null>;
  /** Tells the orchestrator a workload finished (for progress output). */
  progress(workload: string, result: WorkloadResult): void;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measure(workload: Workload, db: Driver, sizes: Sizes, host: WorkloadHost): Promise<WorkloadResult> {
  await workload.prepareOnce?.(db);
  const times: number[] = [];
  let checksum: string | null = null;
  let rows = 0;
  for (let rep = 0; rep <= sizes.repetitions; rep++) {
    await workload.setup?.(db);
    const start = host.now();
    const result = await workload.body(db);
    const elapsed = host.now() - start;
    const verified: unknown = workload.verify ? await workload.verify(db) : null;
    await workload.teardown?.(db);
    if (rep > 0) times.push(elapsed);
    const sum = new Checksum();
    sum.add(result);
    sum.add(verified);
    const digest = sum.digest();
    if (checksum !== null && digest !== checksum) throw new Error(`repetition ${rep} returned different results (${digest} vs ${checksum})`);
    checksum = digest;
    rows = sum.rows;
  }
  return { median: median(times), times, checksum, rows };
}

/** Runs every workload on one open database; a failing workload is recorded and the others still run. */
export async function runWorkloads(
  db: Driver,
  sizes: Sizes,
  host: WorkloadHost,
): Promise<{ workloads: EngineRun['workloads']; journalMode: string | undefined }> {
  const results: Record<string, WorkloadResult> = {};
  let journalMode: string | undefined;
  try {
    const [[row]] = await db.query('PRAGMA journal_mode', [[]]);
    journalMode = row ? String(Object.values(row)[0]) : undefined;
  } catch {
    journalMode = undefined;
  }
  for (const workload of workloads(sizes)) {
    let result: WorkloadResult;
    try {
      result = await measure(workload, db, sizes, host);
    } catch (error) {
      result = { median: null, times: [], checksum: null, rows: 0, error: error instanceof Error ? error.message : String(error) };
    }
    results[workload.id] = result;
    host.progress(workload.id, result);
  }
  return { workloads: results, journalMode };
}

/**
 * The heap after the workloads, measured once `runWorkloads` has returned so that the generated data and the
 * last results are garbage: what remains is the engine and its database.
 */
export async function measureEngineHeap(db: Driver, host: WorkloadHost): Promise<HeapSample | null> {
  const heap = await host.measureHeap();
  if (heap) heap.wasmMemory = db.wasmMemoryBytes();
  return heap;
}

/**
 * A cold start's first query. A persistent database is first seeded (untimed, by another worker) with a small
 * table, so that the first query really opens the file and reads the schema and a row; in memory there is
 * nothing to read, and the first query is a constant.
 */
export function coldStartSql(storage: string): string {
  return storage === 'memory' ? 'SELECT 1 AS one' : 'SELECT v FROM kv WHERE k = 42';
}

export async function seedColdStart(db: Driver): Promise<void> {
  await db.exec('CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const rows = Array.from({ length: 100 }, (_, i) => [i + 1, `value ${i + 1}`]);
  await db.exec('BEGIN');
  await db.run('INSERT INTO kv (k, v) VALUES (?, ?)', rows);
  await db.exec('COMMIT');
}

/** The parameters of the crossing query for these sizes. */
export function crossingParams(sizes: Sizes): [number] {
  return [sizes.crossingRows];
}

export { median };
