/**
 * Crash safety of the storage engine: a workload of transactions on one table tree is run on a
 * `FaultVfs` that crashes at every operation in turn; each crash image (unsynced writes lost, kept, or
 * randomly landed and torn) is reopened with Hearth — running WAL recovery or hot-journal rollback —
 * and checked:
 * - the rows equal the model after a commit the mode promises: with synchronous=full, the last commit
 *   that returned (or the one in flight when the crash hit inside commit()); with WAL and
 *   synchronous=normal, any commit from the last one a checkpoint made durable onwards;
 * - `checkIntegrity` finds nothing wrong, and the rows read back whole in both directions;
 * - recovering the recovered files again gives the same rows;
 * - the database takes a new transaction and keeps it across a reopen.
 * Recovery itself is crashed too: for the image that keeps every write, at each operation recovery
 * does (hot-journal rollback writes; WAL recovery does not), and that crash's image is recovered again.
 *
 * The workload is generated from a seed before any run, so every run issues the same operations and
 * crash point N always means the same operation, from the very first (creating the database) on.
 * HEARTH_CRASH_SCALE=k sweeps k times as many workloads (different seeds) for a longer run.
 */
import { describe, expect, it } from 'vitest';
import { Btree } from '../src/btree/btree.js';
import { checkIntegrity } from '../src/btree/integrity.js';
import type { PagerOptions } from '../src/pager/pager.js';
import { decodeRecord, encodeRecord } from '../src/record/record.js';
import { MemoryVfs } from '../src/vfs/memory.js';
import { FaultVfs, isCrash, type CrashMode } from './support/fault-vfs.js';
import { rng } from './support/prng.js';

const PATH = 'crash.db';
const FILES = [PATH, `${PATH}-wal`, `${PATH}-journal`];
const PAGE_SIZE = 512;
/** The table's root: the first page allocated after page 1. */
const ROOT = 2;
/** Random torn-write images per crash point, besides the 'lost' and 'kept' ones. */
const RANDOM_IMAGES = 3;
const SCALE = Math.max(1, Number.parseInt(process.env.HEARTH_CRASH_SCALE ?? '1', 10) || 1);

interface Config {
  readonly name: string;
  readonly options: PagerOptions;
  /** Workloads swept (times HEARTH_CRASH_SCALE). */
  readonly workloads: number;
}

const CONFIGS: readonly Config[] = [
  { name: 'wal+full', options: { journalMode: 'wal', synchronous: 'full' }, workloads: 2 },
  { name: 'wal+normal', options: { journalMode: 'wal', synchronous: 'normal' }, workloads: 2 },
  { name: 'delete+full', options: { journalMode: 'delete', synchronous: 'full' }, workloads: 1 },
];

function openOptions(config: Config): PagerOptions {
  return { ...config.options, pageSize: PAGE_SIZE, cacheSize: 16, walAutoCheckpoint: 20 };
}

/** Throws unless `condition` holds (cheap enough for the hot paths, unlike `expect`). */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- the workload -------------------------------------------------------------------------------

type Op = { readonly kind: 'put'; readonly rowid: number; readonly size: number; readonly tag: number } | { readonly kind: 'delete'; readonly rowid: number };

type Step = { readonly kind: 'txn'; readonly create: boolean; readonly ops: readonly Op[]; readonly commit: boolean } | { readonly kind: 'reopen' };

interface Workload {
  readonly steps: readonly Step[];
  /** `states[i]`: signature of the table after i commits; `states[0]` is the empty file (no table). */
  readonly states: readonly string[];
}

/** The signature of a database without the table (nothing committed yet). */
const NO_TABLE = '<no table>';

interface Row {
  readonly size: number;
  readonly tag: number;
}


function signature(rows: ReadonlyMap<number, Row>): string {
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([rowid, row]) => `${rowid}:${row.size}:${row.tag}`)
    .join(' ');
}

/** A row's record: its tag, its rowid, and a blob of `size` bytes derived from both. */
function payloadOf(rowid: number, size: number, tag: number): Uint8Array {
  return encodeRecord([tag, rowid, blobOf(rowid, size, tag)]);
}

function blobOf(rowid: number, size: number, tag: number): Uint8Array {
  const blob = new Uint8Array(size);
  for (let i = 0; i < size; i++) blob[i] = (tag * 131 + rowid * 17 + i * 7 + (i >>> 8)) & 0xff;
  return blob;
}

/** A blob size: mostly small, some filling much of a 512-byte page, some needing one to four overflow pages. */
function randomSize(random: () => number): number {
  const r = random();
  if (r < 0.6) return Math.floor(random() * 60);
  if (r < 0.85) return 60 + Math.floor(random() * 400);
  return 480 + Math.floor(random() * 1800);
}

/**
 * A workload: a transaction creating the table, then `count` transactions of inserts, updates and
 * deletes (some large enough to spill the cache, some rolled back), with a close and reopen halfway.
 */
function makeWorkload(seed: number, count: number): Workload {
  const random = rng(seed);
  const steps: Step[] = [];
  const states = [NO_TABLE];
  let committed = new Map<number, Row>();
  let tag = 0;
  for (let t = 0; t <= count; t++) {
    if (t === Math.floor(count / 2)) steps.push({ kind: 'reopen' });
    const working = new Map(committed);
    // Every tenth transaction is large enough to spill the cache, and every twentieth of those rolls back.
    const big = t === 0 || t % 10 === 5 || random() < 0.08;
    const n = big ? 15 + Math.floor(random() * 15) : 1 + Math.floor(random() * 5);
    const ops: Op[] = [];
    for (let i = 0; i < n; i++) {
      const r = random();
      const keys = [...working.keys()];
      if (keys.length === 0 || r < 0.45) {
        let rowid: number;
        do rowid = 1 + Math.floor(random() * 1000);
        while (working.has(rowid));
        ops.push({ kind: 'put', rowid, size: randomSize(random), tag: ++tag });
      } else if (r < 0.75) {
        ops.push({ kind: 'put', rowid: keys[Math.floor(random() * keys.length)]!, size: randomSize(random), tag: ++tag });
      } else {
        ops.push({ kind: 'delete', rowid: keys[Math.floor(random() * keys.length)]! });
      }
      const op = ops[ops.length - 1]!;
      if (op.kind === 'put') working.set(op.rowid, { size: op.size, tag: op.tag });
      else working.delete(op.rowid);
    }
    const commit = t === 0 || (t % 20 !== 15 && random() >= 0.15);
    steps.push({ kind: 'txn', create: t === 0, ops, commit });
    if (commit) {
      committed = working;
      states.push(signature(committed));
    }
  }
  return { steps, states };
}

/** How a run ended and what the model allows the disk to hold. */
interface Outcome {
  readonly crashed: boolean;
  /** Commits that returned before the crash. */
  readonly committed: number;
  /** Whether the crash hit inside commit() (that transaction may or may not have committed). */
  readonly inCommit: boolean;
  /** Commits made durable by a sync that returned (all of them with synchronous=full). */
  readonly durable: number;
}

/** Runs `workload` on `vfs` until it finishes or the VFS crashes. */
function runWorkload(vfs: FaultVfs, workload: Workload, config: Config): Outcome {
  const options = openOptions(config);
  const full = options.synchronous === 'full';
  let committed = 0;
  let durable = 0;
  let inCommit = false;
  try {
    let bt = Btree.open(vfs, PATH, options);
    for (const step of workload.steps) {
      if (step.kind === 'reopen') {
        bt.close();
        durable = committed;
        bt = Btree.open(vfs, PATH, options);
        continue;
      }
      bt.beginWrite();
      const root = step.create ? bt.createTree('table') : ROOT;
      check(root === ROOT, `table root ${root}`);
      const cursor = bt.cursor(root);
      for (const op of step.ops) {
        if (op.kind === 'put') {
          cursor.insert(op.rowid, payloadOf(op.rowid, op.size, op.tag));
        } else {
          check(cursor.seekRowid(op.rowid) === 0, `row ${op.rowid} to delete`);
          cursor.delete();
        }
      }
      cursor.close();
      if (step.commit) {
        const checkpoints = vfs.syncCount(PATH);
        inCommit = true;
        bt.commit();
        inCommit = false;
        committed++;
        // With synchronous=normal a commit is durable once a checkpoint has synced the database.
        if (full || vfs.syncCount(PATH) > checkpoints) durable = committed;
      } else {
        bt.rollback();
      }
    }
    bt.close();
    durable = committed;
  } catch (err) {
    if (!isCrash(err)) throw err;
    return { crashed: true, committed, inCommit, durable };
  }
  return { crashed: false, committed, inCommit: false, durable };
}

// ---- checking a recovered database --------------------------------------------------------------

/**
 * Reads the table — rows in strictly ascending rowid order both ways, every record intact — and runs the
 * integrity check over the whole file. Returns the table's signature.
 */
function readAndCheck(bt: Btree): string {
  bt.beginRead();
  try {
    const hasTable = bt.pager.pageCount >= ROOT; // else the database is new, or has its page 1 alone
    const problems = checkIntegrity(bt, { roots: hasTable ? [ROOT] : [] });
    check(problems.length === 0, `integrity check: ${problems.slice(0, 3).join('; ')}`);
    if (!hasTable) return NO_TABLE;
    const rows = new Map<number, Row>();
    const cursor = bt.cursor(ROOT);
    let previous = -Infinity;
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      const rowid = cursor.rowid() as number;
      check(rowid > previous, `rowid ${rowid} after ${previous}`);
      previous = rowid;
      const [tag, id, blob] = decodeRecord(cursor.payload());
      check(
        typeof tag === 'number' && id === rowid && blob instanceof Uint8Array && sameBytes(blob, blobOf(rowid, blob.length, tag)),
        `record of row ${rowid}`,
      );
      rows.set(rowid, { size: (blob as Uint8Array).length, tag: tag as number });
    }
    const backward: number[] = [];
    for (let ok = cursor.last(); ok; ok = cursor.prev()) backward.push(cursor.rowid() as number);
    check(backward.reverse().join() === [...rows.keys()].join(), 'backward scan differs from forward scan');
    cursor.close();
    return signature(rows);
  } finally {
    bt.endRead();
  }
}

/** The database's files as they are now. */
function filesOf(vfs: MemoryVfs): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const path of FILES) {
    const bytes = vfs.snapshot(path);
    if (bytes) files.set(path, bytes);
  }
  return files;
}

/** A MemoryVfs holding `files`. */
function memoryVfsOf(files: ReadonlyMap<string, Uint8Array>): MemoryVfs {
  const vfs = new MemoryVfs();
  for (const [path, bytes] of files) vfs.load(path, bytes);
  return vfs;
}

/** Commits one more transaction (creating the table if the crash left none) and returns the new signature. */
function writeAfterRecovery(bt: Btree, before: string): string {
  const rows = new Map<number, Row>();
  for (const entry of before === NO_TABLE || before === '' ? [] : before.split(' ')) {
    const [rowid, size, tag] = entry.split(':').map(Number);
    rows.set(rowid!, { size: size!, tag: tag! });
  }
  bt.beginWrite();
  if (before === NO_TABLE) check(bt.createTree('table') === ROOT, 'root of the new table');
  const cursor = bt.cursor(ROOT);
  const first = [...rows.keys()][0];
  if (first !== undefined) {
    check(cursor.seekRowid(first) === 0, `row ${first} to delete`);
    cursor.delete();
    rows.delete(first);
  }
  cursor.insert(5000, payloadOf(5000, 1500, 999_999));
  rows.set(5000, { size: 1500, tag: 999_999 });
  cursor.close();
  bt.commit();
  return signature(rows);
}

/**
 * Recovers `image` and checks it against what `outcome` allows; then, when `thorough`, checks that
 * recovering the recovered files again gives the same rows, and that the database takes and keeps a
 * new commit.
 */
function verifyImage(image: MemoryVfs, config: Config, workload: Workload, outcome: Outcome, thorough: boolean): void {
  const options = openOptions(config);
  const bt = Btree.open(image, PATH, options);
  const recoveredFiles = filesOf(image);
  const recovered = readAndCheck(bt);
  const lowest = outcome.durable;
  const highest = outcome.committed + (outcome.inCommit ? 1 : 0);
  const allowed = workload.states.slice(lowest, highest + 1);
  if (!allowed.includes(recovered)) {
    const found = workload.states.indexOf(recovered);
    throw new Error(
      `recovered state ${found >= 0 ? `after commit ${found}` : 'matching no commit'}, allowed commits ${lowest}..${highest}`,
    );
  }
  if (!thorough) {
    bt.close();
    return;
  }

  const again = Btree.open(memoryVfsOf(recoveredFiles), PATH, options);
  check(readAndCheck(again) === recovered, 'recovering the recovered files changed the rows');
  again.close();

  const expected = writeAfterRecovery(bt, recovered);
  check(readAndCheck(bt) === expected, 'the new commit reads back wrong');
  bt.close();
  const reopened = Btree.open(image, PATH, options);
  check(readAndCheck(reopened) === expected, 'the new commit is lost on reopen');
  reopened.close();
}

/**
 * Crashes the recovery of `files` (hot-journal rollback writes to the database; WAL recovery writes
 * nothing) at each of its operations in turn and checks the rows of one crash image of each. Returns
 * how many.
 */
function crashRecovery(files: ReadonlyMap<string, Uint8Array>, config: Config, workload: Workload, outcome: Outcome, seed: number): number {
  const options = openOptions(config);
  const clean = new FaultVfs(Infinity, files);
  Btree.open(clean, PATH, options);
  for (let m = 1; m <= clean.operations; m++) {
    const vfs = new FaultVfs(m, files);
    try {
      Btree.open(vfs, PATH, options);
    } catch (err) {
      if (!isCrash(err)) throw err;
    }
    check(vfs.hasCrashed, `recovery did not crash at operation ${m}`);
    try {
      verifyImage(vfs.crashImage(seed + m), config, workload, outcome, false);
    } catch (err) {
      throw new Error(`recovery crashed at its operation ${m}, image ${seed + m}: ${String(err)}`, { cause: err });
    }
  }
  return clean.operations;
}

interface SweepResult {
  crashPoints: number;
  verifications: number;
  recoveryCrashes: number;
}

/** Crashes the workload of `workloadSeed` at every operation in turn and verifies the images of each crash. */
function sweep(config: Config, workloadSeed: number, seedBase: number): SweepResult {
  const workload = makeWorkload(workloadSeed, 60);
  const clean = new FaultVfs();
  const finished = runWorkload(clean, workload, config);
  expect(finished.crashed).toBe(false);
  expect(finished.committed).toBe(workload.states.length - 1);
  const total = clean.operations;
  const result: SweepResult = { crashPoints: total, verifications: 0, recoveryCrashes: 0 };
  for (let n = 1; n <= total; n++) {
    const vfs = new FaultVfs(n);
    const outcome = runWorkload(vfs, workload, config);
    check(outcome.crashed && vfs.operations === n - 1, `the run did not crash at operation ${n}`);
    const modes: CrashMode[] = ['lost', 'kept'];
    for (let i = 0; i < RANDOM_IMAGES; i++) modes.push(seedBase + n * 16 + i);
    for (const mode of modes) {
      try {
        const image = vfs.crashImage(mode);
        if (mode === 'kept') {
          const crashes = crashRecovery(filesOf(image), config, workload, outcome, seedBase + n * 16 + 8);
          result.recoveryCrashes += crashes;
          result.verifications += crashes;
        }
        verifyImage(image, config, workload, outcome, true);
      } catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        const where = `${config.name}, workload ${workloadSeed}: crash at operation ${n} of ${total}, image ${mode}`;
        throw new Error(`${where}: ${detail}`, { cause: err });
      }
      result.verifications++;
    }
  }
  return result;
}

// A sweep replays every crash point of its workloads: tens of seconds on a quiet machine, several times
// that on a loaded one, and more with HEARTH_CRASH_SCALE. Its time limit scales with the work.
const SWEEP_TIMEOUT_MS = 300_000 * SCALE;

describe('crash safety', () => {
  const totals = { crashPoints: 0, verifications: 0 };

  for (const config of CONFIGS) {
    it(`recovers a consistent database after a crash at any operation (${config.name})`, () => {
      const started = performance.now();
      const result: SweepResult = { crashPoints: 0, verifications: 0, recoveryCrashes: 0 };
      for (let w = 0; w < config.workloads * SCALE; w++) {
        const one = sweep(config, 1 + w, w * 1_000_003);
        result.crashPoints += one.crashPoints;
        result.verifications += one.verifications;
        result.recoveryCrashes += one.recoveryCrashes;
      }
      totals.crashPoints += result.crashPoints;
      totals.verifications += result.verifications;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `${config.name}: ${result.crashPoints} crash points (+${result.recoveryCrashes} in recovery), ` +
          `${result.verifications} verified images, ${seconds} s`,
      );
    }, SWEEP_TIMEOUT_MS);
  }

  it('covers at least 1,000 crash points', () => {
    console.log(`total: ${totals.crashPoints} crash points, ${totals.verifications} verified images`);
    expect(totals.crashPoints).toBeGreaterThanOrEqual(1000);
  });
});
