/**
 * Messages between the orchestrator (the bench page's main thread, or Node's main thread) and an engine's
 * worker: one worker per engine configuration for the workloads, and one fresh worker per cold start.
 */
import type { Sizes } from './data.js';
import type { EngineConfig } from './engines.js';
import type { HeapSample, WorkloadResult } from './results.js';
import type { Row } from './drivers/driver.js';

export type ToWorker =
  | { type: 'cold'; config: EngineConfig; seed: boolean }
  | { type: 'run'; config: EngineConfig; sizes: Sizes }
  | { type: 'cross'; params: [number] }
  | { type: 'heap'; sample: HeapSample | null }
  | { type: 'close' };

export type FromWorker =
  | { type: 'cold-done'; rows: Row[][] }
  | { type: 'progress'; workload: string; result: WorkloadResult }
  | { type: 'heap?' }
  | { type: 'done'; journalMode: string | undefined; workloads: Record<string, WorkloadResult>; heap: HeapSample | null }
  | { type: 'rows'; rows: Row[] }
  | { type: 'closed' }
  | { type: 'error'; message: string };
