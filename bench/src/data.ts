/**
 * The benchmark's data: generated from a fixed seed, so every engine receives exactly the same rows and the
 * same statement parameters in the same order. Nothing here depends on the engine or the environment.
 */
import type { BindRow } from './drivers/driver.js';

/** How big each workload is. `full` is the published benchmark; `quick` is a smoke run for tests. */
export interface Sizes {
  /** Rows of the `items` table (bulk insert, CREATE INDEX, full scans). */
  items: number;
  /** Autocommit inserts (one durable commit each). */
  autocommitInserts: number;
  /** Point lookups, by rowid and again by secondary index. */
  lookups: number;
  /** Range scans over the secondary index, and the rows each returns on average. */
  ranges: number;
  rowsPerRange: number;
  /** Rows of `customers` and `orders` for the three-table join, and the join queries run. */
  customers: number;
  orders: number;
  joinQueries: number;
  /** LIKE patterns searched, each a full scan. */
  likePatterns: number;
  /** Rows sent from the worker to the main thread in one result set. */
  crossingRows: number;
  /** Timed repetitions after one untimed warm-up, and cold starts measured. */
  repetitions: number;
  coldStarts: number;
}

/** Cold starts measured in a cold-only run (`--cold`): a steadier median than the full run's five. */
const COLD_ONLY_STARTS = 21;

export const FULL_SIZES: Sizes = {
  items: 100_000,
  autocommitInserts: 1_000,
  lookups: 10_000,
  ranges: 100,
  rowsPerRange: 1_000,
  customers: 1_000,
  orders: 20_000,
  joinQueries: 10,
  likePatterns: 5,
  crossingRows: 10_000,
  repetitions: 5,
  coldStarts: 5,
};

export const QUICK_SIZES: Sizes = {
  items: 2_000,
  autocommitInserts: 20,
  lookups: 200,
  ranges: 10,
  rowsPerRange: 50,
  customers: 50,
  orders: 400,
  joinQueries: 3,
  likePatterns: 2,
  crossingRows: 500,
  repetitions: 1,
  coldStarts: 1,
};

/** A small, fast, seeded generator (mulberry32): the same seed gives the same sequence everywhere. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

const WORDS = [
  'amber', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'grove', 'harbor', 'indigo', 'juniper', 'kestrel',
  'lantern', 'meadow', 'nectar', 'orchid', 'pepper', 'quartz', 'raven', 'saffron', 'thistle', 'umber',
  'velvet', 'willow', 'xenon', 'yarrow', 'zephyr', 'copper', 'silver', 'granite', 'maple', 'lotus', 'onyx',
];
const REGIONS = ['north', 'south', 'east', 'west', 'central', 'coast', 'hills', 'plains', 'lakes', 'islands'];

/** Unique secondary key of item `id`: an odd multiplier is a bijection modulo 2^32, so keys never repeat. */
export function itemKey(id: number): number {
  return Math.imul(id, 0x9e3779b1) >>> 0;
}

/** Rows of `items` (id, k, category, name, price, note), in insertion order. */
export function itemRows(count: number): BindRow[] {
  const random = new Random(1);
  const rows: BindRow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const id = i + 1;
    const name = `${random.pick(WORDS)} ${random.pick(WORDS)} ${random.int(10_000)}`;
    const price = Math.round(random.next() * 100_000) / 100;
    const note = `${random.pick(WORDS)}-${random.pick(WORDS)}-${random.pick(WORDS)}-${random.pick(WORDS)}`;
    rows[i] = [id, itemKey(id), random.int(100), name, price, note];
  }
  return rows;
}

/** Rows of `customers` (id, name, region). */
export function customerRows(count: number): BindRow[] {
  const random = new Random(2);
  const rows: BindRow[] = new Array(count);
  for (let i = 0; i < count; i++) rows[i] = [i + 1, `${random.pick(WORDS)} ${random.pick(WORDS)}`, REGIONS[i % REGIONS.length]!];
  return rows;
}

/** Rows of `orders` (id, customer_id, item_id, qty). */
export function orderRows(count: number, customers: number, items: number): BindRow[] {
  const random = new Random(3);
  const rows: BindRow[] = new Array(count);
  for (let i = 0; i < count; i++) rows[i] = [i + 1, 1 + random.int(customers), 1 + random.int(items), 1 + random.int(20)];
  return rows;
}

/** Rows of the autocommit workload's `log` table (t, msg). */
export function logRows(count: number): BindRow[] {
  const random = new Random(4);
  const rows: BindRow[] = new Array(count);
  for (let i = 0; i < count; i++) rows[i] = [i, `event ${random.pick(WORDS)} ${random.int(1_000_000)}`];
  return rows;
}

/** Random rowids to look up, and their keys for the secondary-index lookups. */
export function lookupIds(count: number, items: number): BindRow[] {
  const random = new Random(5);
  const rows: BindRow[] = new Array(count);
  for (let i = 0; i < count; i++) rows[i] = [1 + random.int(items)];
  return rows;
}

export function lookupKeys(count: number, items: number): BindRow[] {
  return lookupIds(count, items).map((row) => [itemKey(row[0] as number)]);
}

/** Ranges [low, high] of the secondary key, each covering about `rowsPerRange` rows. */
export function keyRanges(count: number, rowsPerRange: number, items: number): BindRow[] {
  const random = new Random(6);
  const width = Math.floor((4294967296 / items) * rowsPerRange);
  const rows: BindRow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const low = random.int(4294967296 - width);
    rows[i] = [low, low + width];
  }
  return rows;
}

export function joinRegions(count: number): BindRow[] {
  const rows: BindRow[] = [];
  for (let i = 0; i < count; i++) rows.push([REGIONS[i % REGIONS.length]!]);
  return rows;
}

export function likePatterns(count: number): BindRow[] {
  const patterns = ['%lotus%', '%er 12%', 'maple%', '%-onyx-%', '%zephyr%xenon%', '%77'];
  return patterns.slice(0, count).map((p) => [p]);
}

/** The sizes of a run: the smoke sizes with `quick`, else the full ones; `coldOnly` measures more cold starts. */
export function sizesFor(quick: boolean, coldOnly: boolean): Sizes {
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  return coldOnly ? { ...sizes, coldStarts: COLD_ONLY_STARTS } : sizes;
}
