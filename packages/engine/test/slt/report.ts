// Text and JSON reports of sqllogictest runs.

import { groupOf } from './corpus.js';
import type { FileResult, SltFailure } from './runner.js';

/** Counters summed over several scripts. */
export interface Totals {
  files: number;
  records: number;
  run: number;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

export function emptyTotals(): Totals {
  return { files: 0, records: 0, run: 0, passed: 0, failed: 0, skipped: 0, durationMs: 0 };
}

export function addTo(t: Totals, r: FileResult): void {
  t.files++;
  t.records += r.records;
  t.run += r.run;
  t.passed += r.passed;
  t.failed += r.failed;
  t.skipped += r.skipped;
  t.durationMs += r.durationMs;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

function counts(t: Omit<Totals, 'files' | 'durationMs'>): string {
  return `records ${t.records}, run ${t.run}, passed ${t.passed}, failed ${t.failed}, skipped ${t.skipped}`;
}

/** The one-line report of a script. */
export function fileLine(r: FileResult): string {
  const status = r.failed > 0 ? 'FAIL' : 'ok  ';
  return `slt ${status} ${r.file}: ${counts(r)}${r.halted ? ', halted' : ''} (${seconds(r.durationMs)})`;
}

function clip(lines: readonly string[], max: number): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), `... (${lines.length - max} more)`];
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

/** A failure in detail: where, what, the SQL, expected and actual results. */
export function failureText(f: SltFailure, maxLines = 16): string {
  const out = [`  ${f.file}:${f.line}: ${f.message}`];
  if (f.sql !== '') out.push('    sql:', indent(f.sql, '      '));
  if (f.expected !== undefined) {
    out.push(`    expected (${f.expected.length} line${f.expected.length === 1 ? '' : 's'}):`);
    out.push(...clip(f.expected, maxLines).map((l) => `      ${l}`));
  }
  if (f.actual !== undefined) {
    out.push(`    got (${f.actual.length} line${f.actual.length === 1 ? '' : 's'}):`);
    out.push(...clip(f.actual, maxLines).map((l) => `      ${l}`));
  }
  if (f.actualValues !== undefined) {
    out.push(`    got values (first ${Math.min(f.actualValues.length, maxLines)}):`);
    out.push(...clip(f.actualValues, maxLines).map((l) => `      ${l}`));
  }
  return out.join('\n');
}

/** The report of one script: its line, then its first `maxFailures` failures. */
export function fileReport(r: FileResult, maxFailures: number): string {
  const lines = [fileLine(r)];
  const shown = r.failures.slice(0, maxFailures);
  for (const f of shown) lines.push(failureText(f));
  if (r.failed > shown.length) lines.push(`  ... ${r.failed - shown.length} more failure(s) in ${r.file}`);
  return lines.join('\n');
}

/** Totals per directory (parent directory of each script), in first-seen order, and overall. */
export function summarize(results: readonly FileResult[]): { groups: Map<string, Totals>; total: Totals } {
  const groups = new Map<string, Totals>();
  const total = emptyTotals();
  for (const r of results) {
    const g = groupOf(r.file);
    let t = groups.get(g);
    if (!t) {
      t = emptyTotals();
      groups.set(g, t);
    }
    addTo(t, r);
    addTo(total, r);
  }
  return { groups, total };
}

/** The closing summary: a table per directory and a total line. */
export function summaryText(results: readonly FileResult[], engine: string): string {
  const { groups, total } = summarize(results);
  const header = ['directory', 'files', 'records', 'run', 'passed', 'failed', 'skipped', 'time'];
  const rows = [...groups.entries()].map(([name, t]) => [
    name,
    String(t.files),
    String(t.records),
    String(t.run),
    String(t.passed),
    String(t.failed),
    String(t.skipped),
    seconds(t.durationMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [`sqllogictest summary (engine ${engine}):`, fmt(header), ...rows.map(fmt)];
  const verdict = total.failed > 0 ? 'FAILED' : 'all passed';
  lines.push(`sqllogictest total (engine ${engine}): ${total.files} files, ${counts(total)} in ${seconds(total.durationMs)}: ${verdict}`);
  return lines.join('\n');
}

/** The JSON written by --list-failures. */
export function failuresJson(results: readonly FileResult[], engine: string, corpus: string): string {
  const { total } = summarize(results);
  return `${JSON.stringify(
    {
      engine,
      corpus,
      total: { ...total, durationMs: Math.round(total.durationMs) },
      files: results.map((r) => ({ ...r, failures: undefined, durationMs: Math.round(r.durationMs) })),
      failures: results.flatMap((r) => r.failures),
    },
    null,
    2,
  )}\n`;
}
