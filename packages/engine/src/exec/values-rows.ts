/**
 * Which rows of a multi-row VALUES SQLite compiles without its usual name resolution. SQLite codes a
 * run of constant rows as one co-routine whose later rows skip name resolution (so there `x IS TRUE`
 * compares x with 1 rather than testing its truth). The run starts at the second row when the first
 * row is constant and none of its terms carries an affinity (a CAST, a column, a subquery), and ends
 * at the first later row that is not constant (one reading a column or holding a subquery): from that
 * row on, every row is a member of an ordinary compound and resolves names as usual.
 */
import type { Expr } from '../sql/ast.js';
import { someExpr } from '../sql/walk.js';

/** The index of the first row after the first that SQLite compiles with name resolution (rows.length: none). */
export function plainValuesRowsEnd(rows: readonly (readonly Expr[])[]): number {
  if (rows.length < 2 || rows[0]!.some((e) => !isConstant(e) || hasAffinity(e))) return 1;
  for (let r = 1; r < rows.length; r++) if (rows[r]!.some((e) => !isConstant(e))) return r;
  return rows.length;
}

/** Whether SQLite counts `expr` as constant: no column reference (but TRUE and FALSE) and no subquery of any kind. */
function isConstant(expr: Expr): boolean {
  return !someExpr(expr, (e) => (e.kind === 'column' && !isTruthName(e)) || e.kind === 'subquery' || e.kind === 'exists' || (e.kind === 'in' && e.values.kind !== 'list'));
}

/** Whether `column` is a bare, unquoted TRUE or FALSE, which SQLite reads as a constant before resolving names. */
function isTruthName(column: Extract<Expr, { kind: 'column' }>): boolean {
  const name = column.column.name.toLowerCase();
  return column.table === null && column.column.quote === null && (name === 'true' || name === 'false');
}

/** Whether the top of `expr` (under COLLATE) gives it an affinity: a CAST. */
function hasAffinity(expr: Expr): boolean {
  let e = expr;
  while (e.kind === 'collate') e = e.operand;
  return e.kind === 'cast';
}
