/**
 * Numbers as the reports show them, and the ratio arithmetic they share (Hearth / peer per workload, and
 * the geometric mean over the workloads both engines completed).
 */
import type { BenchReport, EngineRun } from '../results.js';

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '-' : `${ratio.toFixed(2)}×`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '-';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function engineById(report: BenchReport, id: string): EngineRun | undefined {
  return report.engines.find((e) => e.id === id);
}

/** Hearth's median over the peer's for one workload, or null when either has no number. */
export function ratio(report: BenchReport, hearth: string, peer: string, workload: string): number | null {
  const h = engineById(report, hearth)?.workloads[workload]?.median;
  const p = engineById(report, peer)?.workloads[workload]?.median;
  if (h === null || h === undefined || p === null || p === undefined || p === 0) return null;
  return h / p;
}

/** Geometric mean of the ratios over the workloads where both have a number; null when there are none. */
export function geometricMean(report: BenchReport, hearth: string, peer: string): number | null {
  let logSum = 0;
  let count = 0;
  for (const { id } of report.workloads) {
    const r = ratio(report, hearth, peer, id);
    if (r !== null && r > 0) {
      logSum += Math.log(r);
      count++;
    }
  }
  return count === 0 ? null : Math.exp(logSum / count);
}

/** What a configuration shows in place of a number for one workload. */
export function cell(engine: EngineRun | undefined, workload: string): string {
  if (!engine) return '-';
  if (!engine.available) return 'n/a';
  const result = engine.workloads[workload];
  if (!result) return '-';
  if (result.error) return 'error';
  return formatMs(result.median);
}
