/**
 * The orchestrator: runs each engine configuration in its own workers (cold starts in fresh ones, then one
 * worker for all workloads and the crossing result set), and compares checksums across engines. It knows
 * nothing of browsers or Node: a `Host` spawns workers and measures what only the environment can.
 */
import { checksumOf } from './checksum.js';
import type { Sizes } from './data.js';
import type { EngineConfig } from './engines.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { EngineRun, HeapSample, Mismatch, WorkloadResult } from './results.js';
import type { Row } from './drivers/driver.js';
import { WORKLOADS, coldStartSql, crossingParams, median } from './workloads.js';

/** A worker running one engine, seen from the orchestrator. */
export interface WorkerChannel {
  send(message: ToWorker): void;
  terminate(): Promise<void>;
}

export interface Host {
  /** Starts a worker named `name`; every message it posts goes to `onMessage`. */
  spawn(name: string, onMessage: (message: FromWorker) => void): WorkerChannel;
  now(): number;
  /** The heap of the named worker after a garbage collection, or null. */
  measureHeap(workerName: string): Promise<HeapSample | null>;
  /** Removes what earlier engines left in storage, so that each starts fresh. */
  resetStorage(): Promise<void>;
  log(line: string): void;
  /**
   * For an engine whose users cross the boundary through a client library of its own (Hearth:
   * @hearth/client), what opens a connection through it to the database the workloads left (their worker
   * has closed it by then) for the crossing query; null (or absent) to measure the worker posting the rows.
   */
  crossingClient?(config: EngineConfig): ((sizes: Sizes) => Promise<CrossingClient>) | null;
}

/** A client connection on this thread that runs the crossing query. */
export interface CrossingClient {
  /** The crossing query's rows, as objects on this thread. */
  query(params: [number]): Promise<Row[]>;
  close(): Promise<void>;
}

/** A worker with a queue of the messages it posted, answered one at a time. */
class Conversation {
  private readonly queue: FromWorker[] = [];
  private waiting: ((message: FromWorker) => void) | null = null;
  readonly channel: WorkerChannel;

  constructor(private readonly host: Host, readonly name: string) {
    this.channel = host.spawn(name, (message) => this.receive(message));
  }

  private receive(message: FromWorker): void {
    if (message.type === 'heap?') {
      this.host.measureHeap(this.name).then((sample) => this.channel.send({ type: 'heap', sample }));
      return;
    }
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(message);
    } else {
      this.queue.push(message);
    }
  }

  next(): Promise<FromWorker> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The next message that is not progress; progress goes to `onProgress`; an error message throws. */
  async expect<T extends FromWorker['type']>(type: T, onProgress?: (workload: string, result: WorkloadResult) => void): Promise<Extract<FromWorker, { type: T }>> {
    for (;;) {
      const message = await this.next();
      if (message.type === 'progress') onProgress?.(message.workload, message.result);
      else if (message.type === 'error') throw new Error(message.message);
      else if (message.type === type) return message as Extract<FromWorker, { type: T }>;
      else throw new Error(`expected ${type} from ${this.name}, got ${message.type}`);
    }
  }

  async close(): Promise<void> {
    try {
      this.channel.send({ type: 'close' });
      await this.expect('closed');
    } finally {
      await this.channel.terminate();
    }
  }
}

function failed(error: string): WorkloadResult {
  return { median: null, times: [], checksum: null, rows: 0, error };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatMs(ms: number | null): string {
  return ms === null ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(0);
}

/**
 * Untimed starts before the timed ones: a browser keeps an engine's compiled code (V8's code cache for
 * its scripts, compiled wasm) only after it has loaded it a couple of times, and writes that cache in
 * the background; measured here, Hearth's starts on OPFS kept getting faster for about eight loads
 * (40 ms to 30), sqlite-wasm's stayed flat. A returning user starts with the caches settled; one
 * warm-up start left the timed ones to chance.
 */
export const WARM_STARTS = 8;


/**
 * The pause after each cold start's worker is closed, before the next one is created. Terminating a
 * worker returns at once, but its thread goes on shutting down and freeing its heap (tens of MB of wasm
 * memory for the peers) in the background, on one of this machine's two cores. Without the pause that
 * work landed on whichever engine started next: Hearth on OPFS, which follows Turso in memory in each
 * round, measured 30–33 ms with it and 26 with a 100-ms pause (300 ms changed nothing further).
 */
const SETTLE_MS = 200;

/**
 * Cold start: from creating the worker to the first query's result, in fresh workers. Every engine's
 * persistent database is seeded first by an untimed worker; then the engines take turns, one start each
 * per round: WARM_STARTS untimed rounds, then `sizes.coldStarts` timed ones. Taking turns lays whatever
 * slows the browser for a while (it is still starting up when the first engine is measured) on every
 * engine alike, not on whichever comes first. An engine that fails a start is dropped from the rounds.
 */
async function measureColdStarts(host: Host, configs: EngineConfig[], sizes: Sizes): Promise<Map<string, WorkloadResult>> {
  await host.resetStorage();
  const results = new Map<string, WorkloadResult>();
  const start = async (config: EngineConfig, rep: number): Promise<void> => {
    const result = results.get(config.id)!;
    if (result.error) return;
    const begin = host.now();
    const worker = new Conversation(host, `cold-${config.id}-${rep}`);
    try {
      worker.channel.send({ type: 'cold', config, seed: rep < 0 });
      const { rows } = await worker.expect('cold-done');
      const elapsed = host.now() - begin;
      if (rep >= WARM_STARTS) result.times.push(elapsed);
      if (rep >= 0) result.checksum = checksumOf(rows).checksum;
    } catch (error) {
      results.set(config.id, failed(message(error)));
    } finally {
      await worker.close().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
  };
  for (const config of configs) {
    results.set(config.id, { median: null, times: [], checksum: null, rows: 1 });
    if (config.storage !== 'memory') await start(config, -1);
  }
  for (let rep = 0; rep < WARM_STARTS + sizes.coldStarts; rep++) {
    for (const config of configs) await start(config, rep);
  }
  for (const result of results.values()) if (!result.error) result.median = median(result.times);
  return results;
}

/** The crossing result set: request to rows received on this thread (`ask`), then checksummed here. */
async function crossing(host: Host, ask: (params: [number]) => Promise<Row[]>, sizes: Sizes): Promise<WorkloadResult> {
  const times: number[] = [];
  let checksum: string | null = null;
  let rows = 0;
  for (let rep = 0; rep <= sizes.repetitions; rep++) {
    const start = host.now();
    const received = await ask(crossingParams(sizes));
    const elapsed = host.now() - start;
    if (rep > 0) times.push(elapsed);
    ({ checksum, rows } = checksumOf(received));
  }
  return { median: median(times), times, checksum, rows };
}

/** The crossing through the engine's client library, once the workloads' worker has closed the database. */
async function crossingThroughClient(host: Host, open: (sizes: Sizes) => Promise<CrossingClient>, sizes: Sizes): Promise<WorkloadResult> {
  const client = await open(sizes);
  try {
    return await crossing(host, (params) => client.query(params), sizes);
  } finally {
    await client.close();
  }
}

/**
 * Measures every engine configuration: the cold starts of all of them, taking turns, then each one's
 * workloads in turn. Failures become per-workload errors, never numbers. With `coldOnly`, only the cold
 * starts.
 */
export async function measureEngines(host: Host, configs: EngineConfig[], sizes: Sizes, coldOnly = false): Promise<EngineRun[]> {
  const cold = await measureColdStarts(host, configs, sizes);
  const runs: EngineRun[] = [];
  for (const config of configs) {
    host.log(`engine ${config.id}`);
    runs.push(await measureEngine(host, config, sizes, cold.get(config.id)!, coldOnly));
  }
  return runs;
}

/** Measures one engine configuration's workloads, given its cold starts. */
async function measureEngine(host: Host, config: EngineConfig, sizes: Sizes, cold: WorkloadResult, coldOnly: boolean): Promise<EngineRun> {
  const run: EngineRun = { id: config.id, engine: config.engine, storage: config.storage, available: true, workloads: {}, heap: null };
  const report = (workload: string, result: WorkloadResult): void => {
    run.workloads[workload] = result;
    host.log(`  ${config.id} ${workload}: ${result.error ? `ERROR ${result.error}` : `${formatMs(result.median)} ms`}`);
  };
  if (cold.error?.startsWith('not available')) {
    run.available = false;
    run.note = cold.error;
    for (const { id } of WORKLOADS) run.workloads[id] = failed(cold.error);
    host.log(`  ${config.id}: ${cold.error}`);
    return run;
  }
  report('cold-start', cold);
  if (coldOnly) return run;
  await host.resetStorage();
  const worker = new Conversation(host, `bench-${config.id}`);
  let workerOpen = true;
  try {
    worker.channel.send({ type: 'run', config, sizes });
    const done = await worker.expect('done', report);
    run.journalMode = done.journalMode;
    run.heap = done.heap;
    try {
      const client = host.crossingClient?.(config) ?? null;
      if (client) {
        workerOpen = false;
        await worker.close();
        report('crossing', await crossingThroughClient(host, client, sizes));
      } else {
        const posted = async (params: [number]): Promise<Row[]> => {
          worker.channel.send({ type: 'cross', params });
          return (await worker.expect('rows')).rows;
        };
        report('crossing', await crossing(host, posted, sizes));
      }
    } catch (error) {
      report('crossing', failed(message(error)));
    }
  } catch (error) {
    for (const { id } of WORKLOADS) run.workloads[id] ??= failed(message(error));
  } finally {
    if (workerOpen) await worker.close().catch(() => undefined);
  }
  return run;
}

/**
 * Workloads whose checksums differ between engines that both produced one. Cold starts are compared only
 * between engines that ran the same first query (it depends on the storage).
 */
export function findMismatches(runs: EngineRun[]): Mismatch[] {
  const mismatches: Mismatch[] = [];
  for (const { id } of WORKLOADS) {
    const groups = new Map<string, Record<string, string>>();
    for (const run of runs) {
      const sum = run.workloads[id]?.checksum;
      if (!sum) continue;
      const group = id === 'cold-start' ? coldStartSql(run.storage) : '';
      if (!groups.has(group)) groups.set(group, {});
      groups.get(group)![run.id] = sum;
    }
    for (const checksums of groups.values()) {
      if (new Set(Object.values(checksums)).size > 1) mismatches.push({ workload: id, checksums });
    }
  }
  return mismatches;
}
