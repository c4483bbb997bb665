/**
 * The HTML report: one self-contained page (inline SVG, no scripts, no external files) with a bar chart per
 * workload (each bar an engine's median, scaled to the slowest engine of that workload), the ratio table and
 * the side measurements, so a person can read a run at a glance.
 */
import type { BenchReport } from '../results.js';
import { cell, formatBytes, formatMs, formatRatio, geometricMean, ratio } from './format.js';

const COLORS: Record<string, string> = {
  hearth: '#d9480f',
  'sqlite-wasm': '#1c7ed6',
  turso: '#37b24d',
  'better-sqlite3': '#7048e8',
};

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function chart(report: BenchReport, workload: string, title: string): string {
  const barHeight = 16;
  const labelWidth = 220;
  const barWidth = 420;
  const engines = report.engines;
  const max = Math.max(0, ...engines.map((e) => e.workloads[workload]?.median ?? 0));
  const height = engines.length * (barHeight + 4) + 28;
  const bars = engines
    .map((e, i) => {
      const y = 24 + i * (barHeight + 4);
      const median = e.workloads[workload]?.median ?? null;
      const width = median !== null && max > 0 ? Math.max(1, (median / max) * barWidth) : 0;
      const color = COLORS[e.engine] ?? '#868e96';
      const opacity = e.storage === 'memory' ? 0.55 : 1;
      const text = median !== null ? `${formatMs(median)} ms` : cell(e, workload);
      return (
        `<text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end">${escape(e.id)}</text>` +
        `<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight}" fill="${color}" fill-opacity="${opacity}"/>` +
        `<text x="${labelWidth + width + 6}" y="${y + 12}">${escape(text)}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 110}" height="${height}" font-family="system-ui, sans-serif" font-size="12">` +
    `<text x="0" y="14" font-weight="bold">${escape(title)}</text>${bars}</svg>`
  );
}

function htmlTable(header: string[], rows: string[][]): string {
  const head = header.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${escape(c)}</th>` : `<td>${escape(c)}</td>`)).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function htmlReport(report: BenchReport): string {
  const pairs = report.ratios;
  const msTable = htmlTable(
    ['workload (ms, median)', ...report.engines.map((e) => e.id)],
    report.workloads.map(({ id }) => [id, ...report.engines.map((e) => cell(e, id))]),
  );
  const ratioRows = report.workloads.map(({ id }) => [id, ...pairs.map((p) => formatRatio(ratio(report, p.hearth, p.peer, id)))]);
  ratioRows.push(['geometric mean', ...pairs.map((p) => formatRatio(geometricMean(report, p.hearth, p.peer)))]);
  const ratioTable = htmlTable(['Hearth / peer', ...pairs.map((p) => `${p.hearth} / ${p.peer}`)], ratioRows);
  const shipped = htmlTable(
    ['bytes shipped', 'raw', 'gzip', 'files'],
    report.shipped.map((s) => [s.engine, formatBytes(s.raw), formatBytes(s.gzip), s.files.join(' + ')]),
  );
  const heap = htmlTable(
    ['heap after the workloads (after GC)', 'JS heap', 'external', 'wasm memory'],
    report.engines.filter((e) => e.heap).map((e) => [e.id, formatBytes(e.heap!.jsHeapUsed), formatBytes(e.heap!.external), formatBytes(e.heap!.wasmMemory)]),
  );
  const floor = report.opfsFloor
    ? `<p>OPFS floor: 4 KiB write + flush ${formatMs(report.opfsFloor.commitMs)} ms median; ${formatMs(report.opfsFloor.commitsMs)} ms for ${report.opfsFloor.commits};
       reads ${report.opfsFloor.readMiBps4k.toFixed(0)} MiB/s (4 KiB), ${report.opfsFloor.readMiBps1m.toFixed(0)} MiB/s (1 MiB).</p>`
    : '';
  const notes = report.engines
    .filter((e) => !e.available || e.journalMode)
    .map((e) => `<li>${escape(e.id)}: ${escape(e.available ? `journal_mode=${e.journalMode}` : (e.note ?? 'not available'))}</li>`)
    .join('');
  const problems = [
    ...report.mismatches.map((m) => `MISMATCH ${m.workload}: ${Object.entries(m.checksums).map(([id, s]) => `${id}=${s}`).join(' ')}`),
    ...report.engines.flatMap((e) =>
      e.available ? Object.entries(e.workloads).filter(([, r]) => r.error).map(([w, r]) => `ERROR ${e.id} ${w}: ${r.error}`) : [],
    ),
  ];
  const environment = Object.entries(report.environment).map(([k, v]) => `<li>${escape(k)}: ${escape(String(v))}</li>`).join('');
  const charts = report.workloads.map(({ id, title }) => chart(report, id, title)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hearth bench (${report.variant})</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #212529; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 13px; }
th, td { border: 1px solid #dee2e6; padding: 3px 8px; } td { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f1f3f5; } .problems { color: #c92a2a; } svg { display: block; margin: 1rem 0; }
</style></head><body>
<h1>Hearth bench: ${escape(report.variant)}${report.quick ? ' (quick sizes, not comparable)' : ''}</h1>
<p>${escape(report.startedAt)}. Medians of the timed repetitions, milliseconds; lower is better. Memory bars are lighter.</p>
${problems.length > 0 ? `<ul class="problems">${problems.map((p) => `<li>${escape(p)}</li>`).join('')}</ul>` : '<p>All engines returned identical results.</p>'}
${msTable}
${ratioTable}
${charts}
${report.shipped.length > 0 ? shipped : ''}
${heap}
${floor}
<ul>${notes}</ul>
<ul>${environment}</ul>
</body></html>
`;
}
