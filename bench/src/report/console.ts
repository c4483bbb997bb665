/**
 * The console report: milliseconds per workload per engine, Hearth / peer ratios with their geometric mean,
 * then bytes shipped, heap, the OPFS floor, errors and checksum mismatches.
 */
import type { BenchReport } from '../results.js';
import { cell, formatBytes, formatMs, formatRatio, geometricMean, ratio } from './format.js';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function consoleReport(report: BenchReport): string {
  const out: string[] = [];
  const title = `Hearth bench (${report.variant}${report.quick ? ', QUICK sizes: not comparable' : ''}), medians in ms`;
  out.push(title, '');
  const pairs = report.ratios;
  const header = ['workload', ...report.engines.map((e) => e.id), ...pairs.map((p) => `${p.hearth.replace(/^hearth-/, 'H.')}/${p.peer}`)];
  const rows = report.workloads.map(({ id }) => [
    id,
    ...report.engines.map((e) => cell(e, id)),
    ...pairs.map((p) => formatRatio(ratio(report, p.hearth, p.peer, id))),
  ]);
  rows.push(['geomean', ...report.engines.map(() => ''), ...pairs.map((p) => formatRatio(geometricMean(report, p.hearth, p.peer)))]);
  out.push(table(header, rows), '');

  const notes = report.engines.filter((e) => !e.available || e.journalMode);
  for (const e of notes) out.push(`${e.id}: ${e.available ? `journal_mode=${e.journalMode}` : e.note}`);
  out.push('');

  if (report.shipped.length > 0) {
    out.push(table(['bytes shipped', 'raw', 'gzip', 'files'], report.shipped.map((s) => [s.engine, formatBytes(s.raw), formatBytes(s.gzip), s.files.join(' + ')])), '');
  }
  const heapRows = report.engines.filter((e) => e.heap).map((e) => [e.id, formatBytes(e.heap!.jsHeapUsed), formatBytes(e.heap!.external), formatBytes(e.heap!.wasmMemory)]);
  if (heapRows.length > 0) out.push(table(['heap after workloads (after GC)', 'JS heap', 'external', 'wasm memory'], heapRows), '');
  if (report.opfsFloor) {
    const f = report.opfsFloor;
    out.push(
      `OPFS floor: 4 KiB write + flush ${formatMs(f.commitMs)} ms median (${f.commits} in ${formatMs(f.commitsMs)} ms); ` +
        `read ${f.readMiBps4k.toFixed(0)} MiB/s with 4 KiB reads, ${f.readMiBps1m.toFixed(0)} MiB/s with 1 MiB reads`,
    );
    for (const e of report.engines) {
      const auto = e.workloads['autocommit-insert']?.median;
      if (auto === null || auto === undefined || e.storage === 'memory') continue;
      out.push(`  ${e.id}: autocommit inserts at ${(auto / f.commitsMs).toFixed(2)}× the floor`);
    }
    out.push('');
  }
  for (const [key, value] of Object.entries(report.environment)) out.push(`${key}: ${value}`);
  out.push('');

  for (const e of report.engines) {
    if (!e.available) continue;
    for (const [workload, result] of Object.entries(e.workloads)) if (result.error) out.push(`ERROR ${e.id} ${workload}: ${result.error}`);
  }
  for (const m of report.mismatches) {
    out.push(`MISMATCH ${m.workload}: ${Object.entries(m.checksums).map(([id, sum]) => `${id}=${sum}`).join(' ')}`);
  }
  return out.join('\n');
}
