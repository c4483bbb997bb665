/**
 * Comparing two outcomes of the same statement. Both must fail or both succeed; failures must have the
 * same message; results must have the same column names, row count and values of the same storage
 * class and exact value (INTEGER as bigint, REAL bit for bit with -0 apart, TEXT, BLOB bytes).
 *
 * Row order — the choice made here:
 * - without ORDER BY, results are compared as multisets;
 * - with ORDER BY, the generator's renderer appends every result column as a tie-breaker
 *   (`…, 1 COLLATE BINARY, 2 COLLATE BINARY, …`), so the order is fixed up to rows that SQLite's
 *   comparison calls equal in every column (1 and 1.0, 0.0 and -0.0); a compound that is not all
 *   UNION ALL gets them without COLLATE (gen.ts), so its ties are rows equal under the columns'
 *   collations, which the DISTINCT allowance below covers. The sequence of such "loose"
 *   row keys must match exactly; within each run of loosely equal rows the exact rows are compared as
 *   multisets. When LIMIT/OFFSET cut the result, the first and last runs may legitimately hold
 *   different members of the run, so only their loose keys are compared;
 * - LIMIT/OFFSET without ORDER BY pick rows in an unspecified order: only the row count is compared;
 * - DISTINCT, the de-duplicating set operators and GROUP BY (for a key read in the result) keep one
 *   unspecified representative of values that are equal under their collations (1 or 1.0, 'a' or
 *   'A' under NOCASE). When the exact comparison fails, the results still pass if they are equal as
 *   multisets with numbers by value and text folded as NOCASE and RTRIM would (counted as lenient
 *   passes).
 */
import type { Outcome } from './engines.js';
import { canonical, looseKey } from './values.js';

/** How a query's rows are compared (see the module comment). */
export interface RowMode {
  ordered: boolean;
  limited: boolean;
  dedup: boolean;
}

export type MismatchKind = 'crash' | 'error' | 'message' | 'columns' | 'count' | 'rows' | 'changes' | 'contents';

export interface Mismatch {
  kind: MismatchKind;
  /** What differs, SQLite's side first. */
  detail: string;
}

export interface Verdict {
  mismatch: Mismatch | null;
  /** Passed only through the DISTINCT representative allowance. */
  lenient: boolean;
}

const PASS: Verdict = { mismatch: null, lenient: false };

const rowKey = (row: unknown[]): string => row.map(canonical).join(' | ');
const looseRowKey = (row: unknown[], fold: boolean): string => row.map((v) => looseKey(v, fold)).join(' | ');

/** A short text of an outcome for reports. */
export function describe(o: Outcome, maxRows = 12): string {
  if (o.kind === 'error') return `${o.crash ? 'crash' : 'error'}: ${o.message}`;
  if (o.kind === 'write') return `changes ${o.changes}; ${o.tables.map((t, i) => `table ${i + 1}: [${t.map(rowKey).join('; ')}]`).join('; ')}`;
  const shown = o.rows.slice(0, maxRows).map((r) => `  (${rowKey(r)})`);
  if (o.rows.length > maxRows) shown.push(`  … ${o.rows.length - maxRows} more`);
  return `columns [${o.columns.join(', ')}], ${o.rows.length} rows${shown.length ? `\n${shown.join('\n')}` : ''}`;
}

function mismatch(kind: MismatchKind, expected: string, got: string): Verdict {
  return { mismatch: { kind, detail: `sqlite: ${expected}\nhearth: ${got}` }, lenient: false };
}

/** Compares SQLite's outcome `s` with Hearth's `h`. */
export function compareOutcomes(s: Outcome, h: Outcome, mode: RowMode): Verdict {
  if (h.kind === 'error' && h.crash) return mismatch('crash', describe(s), describe(h));
  if (s.kind === 'error' || h.kind === 'error') {
    if (s.kind !== 'error' || h.kind !== 'error') return mismatch('error', describe(s), describe(h));
    if (s.message !== h.message) return mismatch('message', s.message, h.message);
    if (s.tables && !sameTables(s.tables, h.tables ?? [])) return mismatch('contents', describe({ kind: 'write', changes: 0, tables: s.tables }), describe({ kind: 'write', changes: 0, tables: h.tables ?? [] }));
    return PASS;
  }
  if (s.kind === 'write' || h.kind === 'write') {
    if (s.kind !== 'write' || h.kind !== 'write') return mismatch('error', describe(s), describe(h));
    if (s.changes !== h.changes) return mismatch('changes', String(s.changes), String(h.changes));
    if (!sameTables(s.tables, h.tables)) return mismatch('contents', describe(s), describe(h));
    return PASS;
  }
  if (s.columns.join('\u0000') !== h.columns.join('\u0000')) return mismatch('columns', s.columns.join(', '), h.columns.join(', '));
  if (s.rows.length !== h.rows.length) return mismatch('count', describe(s), describe(h));
  if (mode.limited && !mode.ordered) return PASS;
  if (sameRows(s.rows, h.rows, mode)) return PASS;
  if (mode.dedup && sameSorted(s.rows.map((r) => looseRowKey(r, true)), h.rows.map((r) => looseRowKey(r, true)))) return { mismatch: null, lenient: true };
  return mismatch('rows', describe(s), describe(h));
}

function sameTables(a: unknown[][][], b: unknown[][][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (rowKey(x[j]!) !== rowKey(y[j]!)) return false;
  }
  return true;
}

function sameSorted(a: string[], b: string[]): boolean {
  a.sort();
  b.sort();
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameRows(s: unknown[][], h: unknown[][], mode: RowMode): boolean {
  if (!mode.ordered) return sameSorted(s.map(rowKey), h.map(rowKey));
  const looseS = s.map((r) => looseRowKey(r, false));
  const looseH = h.map((r) => looseRowKey(r, false));
  for (let i = 0; i < looseS.length; i++) if (looseS[i] !== looseH[i]) return false;
  for (let start = 0; start < s.length; ) {
    let end = start + 1;
    while (end < s.length && looseS[end] === looseS[start]) end++;
    const edge = start === 0 || end === s.length;
    if (!(mode.limited && edge) && !sameSorted(s.slice(start, end).map(rowKey), h.slice(start, end).map(rowKey))) return false;
    start = end;
  }
  return true;
}
