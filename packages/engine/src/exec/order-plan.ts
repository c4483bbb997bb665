/**
 * ORDER BY without sorting: when the outermost loop already visits rows in the ORDER BY order, the
 * query streams its rows unsorted (and `ORDER BY … LIMIT n` stops after n rows).
 *
 * The outermost loop's order is its access path's: rowid order for a full scan (reversed on demand), a
 * rowid range or IN list; index order for an index scan (reversed on demand), where columns fixed by a
 * single-value equality may be skipped, and the rowid follows the last column. A full table scan may
 * become a full index scan to deliver the order when the index covers the query or a LIMIT may stop
 * the scan early (otherwise a table lookup per row costs Hearth more than the sort it saves). Every ORDER BY term must be a column of the outermost
 * table, with the index column's collation, NULLs where the index puts them, and all directions the
 * index's or all reversed. Inner loops keep the outer order (each outer row's matches come together).
 */
import type { Collation } from '../record/compare.js';
import type { IndexInfo } from '../plan/indexes.js';
import { FullScan, ReverseScan, RowidEquals, RowidIn } from './access.js';
import { IndexScan } from './index-scan.js';
import type { TableSource } from './source.js';

/** An ORDER BY term as order matching sees it. */
export interface OrderTerm {
  /** The outermost table's column it names (-1: the rowid), or undefined when it is anything else. */
  column: number | undefined;
  collation: Collation;
  desc: boolean;
  nullsFirst: boolean;
}

/**
 * Whether an index delivers the terms: null when it cannot, else whether it must be walked backwards.
 * `fixed[i]` tells that index column i is fixed to one value.
 */
function indexOrder(index: IndexInfo, fixed: readonly boolean[], rowidAlias: number, terms: readonly OrderTerm[]): boolean | null {
  const columns = index.columns;
  let i = 0;
  let reverse: boolean | null = null;
  for (const term of terms) {
    const isRowid = term.column === -1 || term.column === rowidAlias;
    while (i < columns.length && fixed[i] && columns[i]!.column !== term.column) i++;
    let reversed: boolean;
    if (i < columns.length) {
      const col = columns[i]!;
      if (col.column !== term.column || isRowid || col.collation !== term.collation) return null;
      i++;
      if (fixed[i - 1]) continue;
      reversed = term.desc !== col.desc;
    } else if (i === columns.length && isRowid) {
      i++;
      reversed = term.desc;
    } else {
      return null;
    }
    if (reverse === null) reverse = reversed;
    else if (reverse !== reversed) return null;
  }
  return reverse ?? false;
}

/**
 * Makes the outermost table's access deliver the ORDER BY order if it can (reversing it, or switching
 * a full scan to an index scan); returns whether it does.
 */
export function deliverOrder(source: TableSource, indexes: readonly IndexInfo[], terms: readonly OrderTerm[], mayWalk: (index: IndexInfo) => boolean): boolean {
  if (terms.some((t) => t.column === undefined || t.nullsFirst === t.desc)) return false;
  const rowidAlias = source.table.rowidAlias;
  const byRowid = terms.length === 1 && (terms[0]!.column === -1 || terms[0]!.column === rowidAlias);
  const access = source.access;
  if (access instanceof RowidEquals) return true;
  if (access instanceof RowidIn) return byRowid && !terms[0]!.desc;
  if (access instanceof IndexScan) {
    const reverse = indexOrder(access.index, access.fixedColumns(), rowidAlias, terms);
    if (reverse === null) return false;
    access.reverse = reverse;
    return true;
  }
  if (!(access instanceof FullScan)) return byRowid && !terms[0]!.desc;
  if (byRowid) {
    if (terms[0]!.desc) source.access = new ReverseScan(access.plan);
    return true;
  }
  for (const index of indexes) {
    if (!mayWalk(index)) continue;
    const reverse = indexOrder(index, [], rowidAlias, terms);
    if (reverse === null) continue;
    const scan = new IndexScan(index, source.alias, [], null, null, '');
    scan.reverse = reverse;
    source.access = scan;
    return true;
  }
  return false;
}
