/**
 * min() and max() from one end of an index: `SELECT min(col) FROM t [WHERE …]` needs only the first
 * row, in the order of an index on col (or of the rowid), that passes WHERE and has a non-NULL col.
 *
 * Applies when the query's only result column is min(col) or max(col) of its one stored table, with
 * no GROUP BY, HAVING or ORDER BY. The table's access path then walks from the wanted end: a full scan
 * becomes a walk of the rowid or of an index whose first column is col (with col's collation); an
 * index scan serves when col is the column right after its equalities (each of one value). The caller
 * stops the join after its first row.
 */
import type { ResultColumn, SimpleSelect } from '../sql/ast.js';
import type { IndexInfo } from '../plan/indexes.js';
import { FullScan, RowidEnd } from './access.js';
import { IndexScan } from './index-scan.js';
import type { FromScope } from './from.js';
import type { TableSource } from './source.js';

/** The column and direction of a lone min(col) or max(col) result, if that is the query. */
function loneMinMax(core: SimpleSelect, scope: FromScope): { column: number; max: boolean } | null {
  if (core.columns.length !== 1 || core.groupBy.length > 0 || core.having !== null) return null;
  const column: ResultColumn = core.columns[0]!;
  if (column.kind !== 'expr') return null;
  const call = column.expr;
  if (call.kind !== 'function' || call.args.length !== 1 || call.star || call.filter || call.over || call.orderBy.length > 0) return null;
  const name = call.name.name.toLowerCase();
  if (name !== 'min' && name !== 'max') return null;
  const at = scope.locate(call.args[0]!);
  return at && at.source === 0 ? { column: at.column, max: name === 'max' } : null;
}

/**
 * Turns the access path of `source` (the query's one table) into a walk from the end min() or max()
 * wants, when the query is a lone min/max; returns whether it did (the join must then stop after one row).
 */
export function minMaxFromEnd(core: SimpleSelect, scope: FromScope, source: TableSource, indexes: readonly IndexInfo[]): boolean {
  const wanted = loneMinMax(core, scope);
  if (!wanted) return false;
  const table = source.table;
  const access = source.access;
  const isRowid = wanted.column === -1 || wanted.column === table.rowidAlias;
  if (access instanceof FullScan || (access instanceof IndexScan && access.fullWalk)) {
    if (isRowid) {
      source.access = new RowidEnd(`SEARCH ${source.alias}`, wanted.max);
      return true;
    }
    const collation = table.columns[wanted.column]!.collation;
    const index = indexes.find((ix) => ix.columns[0]!.column === wanted.column && ix.columns[0]!.collation === collation);
    if (!index) return false;
    const scan = new IndexScan(index, source.alias, [], null, null, '');
    scan.endsOnly = true;
    scan.reverse = wanted.max !== index.columns[0]!.desc;
    source.access = scan;
    return true;
  }
  if (!(access instanceof IndexScan) || isRowid) return false;
  const fixed = access.fixedColumns();
  const at = access.equalityCount();
  const col = access.index.columns[at];
  if (!col || col.column !== wanted.column || fixed.slice(0, at).some((f) => !f)) return false;
  if (col.collation !== table.columns[wanted.column]!.collation) return false;
  access.endsOnly = true;
  access.reverse = wanted.max !== col.desc;
  return true;
}
