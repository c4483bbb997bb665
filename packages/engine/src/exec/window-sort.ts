/**
 * Sorting a window's rows: row numbers ordered by the PARTITION BY terms (ascending, NULLs first,
 * under each term's collation) and then the ORDER BY terms (as each orders), stably, so that rows
 * equal in every key keep their order.
 *
 * Rows live in the window store (row r's input k at r * width + k). When every key value of every
 * row is a NULL-free JavaScript number — the common case of numeric keys — the keys are copied once
 * into Float64Arrays (negated for DESC) and compared directly; otherwise each comparison goes through
 * SQLite's value ordering.
 */
import type { Collation } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { compareValues } from '../value/compare.js';
import { type KeyOrder, compareKeys } from './window-frame.js';

/** The rows of a window store. */
export interface RowStore {
  types: number[];
  values: SqlValue[];
  width: number;
}

/** Where a sorting's keys are: input columns, and how each orders. */
export interface SortKeys {
  partition: number[];
  partitionCollations: Collation[];
  order: number[];
  orderKeys: KeyOrder[];
}

/** Sorts `rows` (row numbers) by `keys`, stably. */
export function sortRows(rows: number[], store: RowStore, keys: SortKeys): void {
  if (keys.partition.length + keys.order.length === 0) return;
  const numeric = numericKeys(rows, store, keys);
  if (numeric) {
    const count = numeric.length;
    rows.sort((a, b) => {
      for (let k = 0; k < count; k++) {
        const column = numeric[k]!;
        const x = column[a]!;
        const y = column[b]!;
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    });
    return;
  }
  const { types, values, width } = store;
  const { partition, partitionCollations } = keys;
  rows.sort((a, b) => {
    for (let i = 0; i < partition.length; i++) {
      const x = a * width + partition[i]!;
      const y = b * width + partition[i]!;
      const c = comparePartitionKeys(types[x]!, values[x]!, types[y]!, values[y]!, partitionCollations[i]!);
      if (c !== 0) return c;
    }
    return comparePeers(store, keys, a, b);
  });
}

/** Orders rows `a` and `b` by the ORDER BY terms (0 for peers). */
export function comparePeers(store: RowStore, keys: SortKeys, a: number, b: number): number {
  const { types, values, width } = store;
  const { order, orderKeys } = keys;
  for (let i = 0; i < order.length; i++) {
    const x = a * width + order[i]!;
    const y = b * width + order[i]!;
    const c = compareKeys(types[x] as ValueType, values[x]!, types[y] as ValueType, values[y]!, orderKeys[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Whether rows `a` and `b` are in the same partition. */
export function samePartition(store: RowStore, keys: SortKeys, a: number, b: number): boolean {
  const { types, values, width } = store;
  const { partition, partitionCollations } = keys;
  for (let i = 0; i < partition.length; i++) {
    const x = a * width + partition[i]!;
    const y = b * width + partition[i]!;
    if (comparePartitionKeys(types[x]!, values[x]!, types[y]!, values[y]!, partitionCollations[i]!) !== 0) return false;
  }
  return true;
}

/** Orders PARTITION BY values: NULLs first, then by value under `collation`. */
function comparePartitionKeys(ta: number, a: SqlValue, tb: number, b: SqlValue, collation: Collation): number {
  if (ta === ValueType.Null || tb === ValueType.Null) return ta === tb ? 0 : ta === ValueType.Null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number' && ta !== ValueType.Text && tb !== ValueType.Text) return a < b ? -1 : a > b ? 1 : 0;
  return compareValues(ta as ValueType, a, tb as ValueType, b, collation);
}

/** The keys as Float64Arrays indexed by row number (DESC terms negated), or null unless all are numbers. */
function numericKeys(rows: number[], store: RowStore, keys: SortKeys): Float64Array[] | null {
  const { types, values, width } = store;
  const columns = [...keys.partition, ...keys.order];
  const out: Float64Array[] = [];
  for (let k = 0; k < columns.length; k++) {
    const column = new Float64Array(rows.length);
    const negate = k >= keys.partition.length && keys.orderKeys[k - keys.partition.length]!.desc;
    const input = columns[k]!;
    for (let r = 0; r < rows.length; r++) {
      const at = r * width + input;
      const t = types[at];
      const v = values[at];
      if ((t !== ValueType.Integer && t !== ValueType.Real) || typeof v !== 'number') return null;
      column[r] = negate ? -v : v;
    }
    out.push(column);
  }
  return out;
}
