/**
 * The order in which an aggregate query's groups come out. SQLite finalizes each group as the next one
 * starts and stops at LIMIT, so which groups are finalized (and may raise an error, as an overflowing
 * sum() does) depends on that order. Groups come sorted by their key, except where SQLite's planner
 * finds the rows already grouped by the loop: when a GROUP BY term is the rowid of the outermost table
 * and every term reads that table alone, each of its rows is a group of its own (with the inner loops'
 * matches), and the groups come in the order the outer loop visits its rows, ascending rowid.
 */
import type { Expr } from '../sql/ast.js';
import { FullScan, RowidEquals, RowidRange } from './access.js';
import type { FromScope } from './from.js';
import { columnNumber } from './fold.js';
import { TableSource } from './source.js';
import { type TableSet, bit } from './where.js';

/**
 * Whether the outermost loop (`outer`, source number `outerIndex` of `scope`) delivers the rows grouped
 * by `groupBy`, whose terms read the sources in `reads` (one set per term).
 */
export function groupedByScan(groupBy: readonly Expr[], reads: readonly TableSet[], scope: FromScope, outer: unknown, outerIndex: number): boolean {
  if (!(outer instanceof TableSource) || outerIndex < 0) return false;
  const access = outer.access;
  if (!(access instanceof FullScan || access instanceof RowidRange || access instanceof RowidEquals)) return false;
  const own = bit(outerIndex);
  if (reads.some((r) => (r & ~own) !== 0n)) return false;
  return groupBy.some((term) => {
    if (columnNumber(term) !== null) return false;
    const at = scope.locate(term);
    return at !== undefined && at.source === outerIndex && (at.column < 0 || at.column === outer.table.rowidAlias);
  });
}
