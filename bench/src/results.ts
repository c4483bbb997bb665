/**
 * The shape of a benchmark run's results, shared by the workers that measure, the orchestrators that collect,
 * and the reports (console table, JSON, HTML chart) that present them. Times are milliseconds.
 */

/** One measured workload on one engine. `times` are the timed repetitions (warm-up excluded). */
export interface WorkloadResult {
  median: number | null;
  times: number[];
  checksum: string | null;
  rows: number;
  /** Why there is no number: the engine failed, or the configuration is not available. */
  error?: string;
}

/** The JS heap of an engine's worker after the big workloads, after a garbage collection. */
export interface HeapSample {
  jsHeapUsed: number;
  /** Array buffers and other memory outside the JS heap, where the environment reports it. */
  external: number | null;
  /** The engine's WebAssembly memory, when it has one. */
  wasmMemory: number | null;
}

/** Everything measured for one engine configuration (engine × storage). */
export interface EngineRun {
  id: string;
  engine: string;
  storage: string;
  available: boolean;
  note?: string;
  journalMode?: string;
  workloads: Record<string, WorkloadResult>;
  heap: HeapSample | null;
}

/** Bytes an application ships to load an engine. */
export interface ShippedBytes {
  engine: string;
  files: string[];
  raw: number;
  gzip: number;
}

/** The raw OPFS floor: what the storage itself allows. */
export interface OpfsFloor {
  /** Median ms of one 4 KiB write + flush() on a sync access handle (one "commit"). */
  commitMs: number;
  /** How many such commits were timed in a row, and their total ms. */
  commits: number;
  commitsMs: number;
  /** Sequential read throughput with 4 KiB reads, MiB/s. */
  readMiBps4k: number;
  /** Sequential read throughput with 1 MiB reads, MiB/s. */
  readMiBps1m: number;
}

/** A mismatch between engines' results for one workload. */
export interface Mismatch {
  workload: string;
  checksums: Record<string, string>;
}

export interface BenchReport {
  variant: 'browser' | 'node';
  quick: boolean;
  startedAt: string;
  environment: Record<string, string | number | boolean>;
  workloads: { id: string; title: string }[];
  engines: EngineRun[];
  /** Pairs compared in the ratio table: Hearth configuration / peer configuration. */
  ratios: { hearth: string; peer: string }[];
  shipped: ShippedBytes[];
  opfsFloor: OpfsFloor | null;
  mismatches: Mismatch[];
}
