/**
 * Choosing an index for one table: which of its indexes can serve the seeks the WHERE (or ON) terms
 * offer, how many rows each would visit, and the resulting `IndexScan`.
 *
 * A seek serves an index column only when the comparison behaves as index order: the comparison's
 * collation is the index column's, and the comparison never converts the column's value (a numeric
 * operand would turn a TEXT column's text into a number; a TEXT operand would turn an untyped
 * column's numbers into text). The operand is converted as the comparison converts it
 * (`ProbeConversion`). Indexes over expressions or the rowid serve only the columns before those.
 *
 * Estimates (no statistics): a unique index with every column equal: 1 row; an equality prefix: 10
 * rows, less with more columns; a range a quarter of that (or of a scan), a sixteenth with both
 * bounds. A covering read costs a little more per row than nothing, a table lookup half a row more.
 * A covering index may also be walked whole instead of the table (slightly cheaper than a scan).
 */
import type { Expr } from '../sql/ast.js';
import type { IndexInfo } from '../plan/indexes.js';
import { Affinity } from '../value/affinity.js';
import type { Access } from './access.js';
import { type EqualityColumn, IndexScan, type Probe, ProbeConversion, type RangeBound } from './index-scan.js';
import type { Seek } from './where.js';

/** Rows a full scan is assumed to visit. */
export const SCAN_ROWS = 1_000_000;
/** Rows a lookup in a transient in-memory index is assumed to cost (its building shared by all lookups). */
export const HASHED_ROWS = 20;

/** What index choice needs to know of a table. */
export interface IndexedTable {
  label: string;
  /** Name and affinity of each column. */
  columns: readonly { name: string; affinity: Affinity }[];
  rowidAlias: number;
  /** The indexes the query may use (partial ones only when WHERE implies their condition). */
  indexes: readonly IndexInfo[];
  /** Per column, whether the query may read it (a superset), or null when unknown. */
  needed: Uint8Array | null;
}

/** An access path with its estimated cost. */
export interface Choice {
  access: Access;
  cost: number;
}

/** How the comparison converts the operand, or null when it could convert the column's value. */
function conversionFor(column: Affinity, operand: Affinity): ProbeConversion | null {
  const numericColumn = column >= Affinity.Numeric;
  const numericOperand = operand >= Affinity.Numeric;
  if (numericColumn) return numericOperand ? ProbeConversion.None : ProbeConversion.Numeric;
  if (numericOperand) return null;
  if (column === Affinity.None && operand === Affinity.Text) return null;
  return column === Affinity.Text && operand === Affinity.None ? ProbeConversion.Text : ProbeConversion.None;
}

/** The seek's probes for an index column, or null when the seek cannot serve it. */
function probesFor(seek: Seek, affinity: Affinity, collation: unknown): Probe[] | null {
  if (seek.collation !== collation) return null;
  const probes: Probe[] = [];
  for (let i = 0; i < seek.values.length; i++) {
    const conversion = conversionFor(affinity, seek.affinities[i]!);
    if (conversion === null) return null;
    probes.push({ value: seek.values[i]!, conversion });
  }
  return probes;
}

/** The probe of a one-value seek on a column of affinity `affinity`, or null when the comparison could convert the column. */
export function probeFor(seek: Seek, affinity: Affinity): Probe | null {
  const conversion = conversionFor(affinity, seek.affinities[0]!);
  return conversion === null ? null : { value: seek.values[0]!, conversion };
}

/** Whether every column the query may read is in the index. */
export function covers(table: IndexedTable, index: IndexInfo): boolean {
  const needed = table.needed;
  if (!needed) return false;
  for (let i = 0; i < needed.length; i++) {
    if (needed[i] && i !== table.rowidAlias && !index.columns.some((c) => c.column === i)) return false;
  }
  return true;
}

/** The cheapest index path for `table` given the seeks usable now, or null when no index helps. */
export function bestIndexAccess(table: IndexedTable, seeks: Seek[]): Choice | null {
  let best: Choice | null = null;
  for (const index of table.indexes) {
    const choice = indexAccess(table, index, seeks);
    if (choice && (!best || choice.cost < best.cost)) best = choice;
  }
  return best;
}

function indexAccess(table: IndexedTable, index: IndexInfo, seeks: Seek[]): Choice | null {
  const equalities: EqualityColumn[] = [];
  const shown: string[] = [];
  let lists = 1;
  let low: RangeBound | null = null;
  let high: RangeBound | null = null;
  let allEqual = true;
  for (const col of index.columns) {
    if (col.column < 0 || col.column === table.rowidAlias) break;
    const { name, affinity } = table.columns[col.column]!;
    let equality: EqualityColumn | null = null;
    for (const op of ['=', 'IN'] as const) {
      for (const s of seeks) {
        if (equality || s.column !== col.column || s.op !== op) continue;
        const probes = probesFor(s, affinity, col.collation);
        if (probes) equality = { probes, nullMatches: s.nullMatches };
      }
    }
    if (equality) {
      equalities.push(equality);
      shown.push(`${name}=?`);
      lists *= Math.max(1, equality.probes.length);
      if (equality.nullMatches) allEqual = false;
      continue;
    }
    for (const s of seeks) {
      if (s.column !== col.column || s.op === '=' || s.op === 'IN') continue;
      const lower = s.op === '>' || s.op === '>=';
      if (lower ? low : high) continue;
      const probes = probesFor(s, affinity, col.collation);
      if (!probes) continue;
      const bound: RangeBound = { probe: probes[0]!, lower, inclusive: s.op === '>=' || s.op === '<=' };
      if (lower) low = bound;
      else high = bound;
    }
    if (low) shown.push(`${name}>?`);
    if (high) shown.push(`${name}<?`);
    break;
  }
  const covering = covers(table, index);
  if (equalities.length === 0 && !low && !high) {
    if (!covering) return null;
    return { access: new IndexScan(index, table.label, [], null, null, ''), cost: SCAN_ROWS * 0.9 };
  }
  let rows: number;
  if (equalities.length === 0) rows = SCAN_ROWS;
  else if (index.unique && allEqual && equalities.length === index.columns.length) rows = 1;
  else rows = 10 / equalities.length;
  rows *= lists;
  if (low || high) rows /= low && high ? 16 : 4;
  const cost = rows * (covering ? 1.1 : 1.5);
  return { access: new IndexScan(index, table.label, equalities, low, high, shown.join(' AND ')), cost };
}

/** The lower-case names spelled in a query's syntax tree (null: it reads columns without naming them), by query. */
const spelledNames = new WeakMap<object, Set<string> | null>();

/** The names `query` spells anywhere (identifiers and strings), or null when it uses `*` or a NATURAL join. */
function namesIn(query: object): Set<string> | null {
  const known = spelledNames.get(query);
  if (known !== undefined) return known;
  const names = new Set<string>();
  let unknown = false;
  const visit = (node: unknown): void => {
    if (unknown || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.kind === 'star' || record.kind === 'tableStar' || record.natural === true) {
      unknown = true;
      return;
    }
    for (const key in record) {
      const value = record[key];
      if (typeof value === 'string') {
        if (key === 'name' || key === 'value') names.add(value.toLowerCase());
      } else if (typeof value === 'object') {
        visit(value);
      }
    }
  };
  visit(query);
  const result = unknown ? null : names;
  spelledNames.set(query, result);
  return result;
}

/**
 * Per column of a table, whether some syntax trees of a query could read it: whether they spell its
 * name anywhere (a superset); every column when they hold `*` or a NATURAL join, which read columns
 * without naming them.
 */
export function namedColumns(query: object, columns: readonly { name: string }[]): Uint8Array {
  const names = namesIn(query);
  const needed = new Uint8Array(columns.length);
  for (let i = 0; i < columns.length; i++) needed[i] = !names || names.has(columns[i]!.name.toLowerCase()) ? 1 : 0;
  return needed;
}

/**
 * Whether the WHERE terms imply a partial index's condition: each AND term of the condition appears
 * among the terms (same shape; column names compared by the column they resolve to).
 */
export function impliesCondition(condition: Expr, terms: readonly Expr[], sameColumn: (query: Expr, index: Expr) => boolean): boolean {
  return conjuncts(condition).every((c) => terms.some((t) => sameShape(t, c, sameColumn)));
}

function conjuncts(expr: Expr): Expr[] {
  if (expr.kind === 'binary' && expr.op === 'AND') return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}

/** Structural equality of two syntax trees, ignoring source positions and identifier quoting. */
function sameShape(a: unknown, b: unknown, sameColumn: (query: Expr, index: Expr) => boolean): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameShape(x, b[i], sameColumn));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (x.kind !== y.kind) return false;
  if (x.kind === 'column') return sameColumn(a as Expr, b as Expr);
  if (x.kind === 'identifier') return String(x.name).toLowerCase() === String(y.name).toLowerCase();
  const keys = Object.keys(x).filter((k) => k !== 'start' && k !== 'end');
  if (keys.length !== Object.keys(y).filter((k) => k !== 'start' && k !== 'end').length) return false;
  return keys.every((k) => sameShape(x[k], y[k], sameColumn));
}
