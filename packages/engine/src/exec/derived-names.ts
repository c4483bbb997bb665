/**
 * Column names of a query read as a table (a subquery in FROM, a CTE without a column list, a view,
 * and a compound SELECT that SQLite runs as `SELECT * FROM (compound)`), named as SQLite's
 * sqlite3ColumnsFromExprList names them from the first SELECT of the query:
 *
 * - an `AS` alias is the name;
 * - when SQLite names the columns before resolving names (subqueries, CTEs, the compound case), a
 *   column reference, under COLLATE or not, is named by its column as written, so `t._rowid_` is
 *   "_rowid_";
 * - anything else by the name the query shows (its text; `*` expands to the column names). For views
 *   (named after resolution) SQLite also names a column reference under COLLATE or likely() by its
 *   declared name; that case is not followed here;
 * - a name that is TRUE or FALSE (any case) becomes "column<N>", N counting from 1;
 * - names are then made unique ignoring case: a repeat gets ":1", ":2", … in place of any ":digits"
 *   it ends with.
 *
 * `shown` holds the query's result column names as a top-level statement shows them, one per column
 * after `*` expansion; a star's width is known only when the SELECT has at most one star, so with
 * several stars only the columns before the first and after the last are matched to their terms.
 */
import type { Expr, ResultColumn, SelectCore } from '../sql/ast.js';

/** The names of a query's columns when it is read as a table. */
export function derivedNames(first: SelectCore, shown: readonly string[], namedBeforeResolution: boolean): string[] {
  const names = shown.slice();
  if (namedBeforeResolution && first.kind === 'simpleSelect') {
    for (const [k, column] of termPositions(first.columns, shown.length)) {
      if (column.kind !== 'expr' || column.alias) continue;
      const written = writtenColumn(column.expr);
      if (written !== null) names[k] = written;
    }
  }
  return uniqueNames(names.map((name, i) => (/^(true|false)$/i.test(name) ? `column${i + 1}` : name)));
}

/** Each non-star result term whose result column is known, with that column's position. */
function termPositions(columns: ResultColumn[], width: number): [number, ResultColumn][] {
  const out: [number, ResultColumn][] = [];
  const firstStar = columns.findIndex((c) => c.kind !== 'expr');
  const prefix = firstStar < 0 ? columns.length : firstStar;
  for (let k = 0; k < prefix; k++) out.push([k, columns[k]!]);
  if (firstStar < 0) return out;
  let lastStar = columns.length - 1;
  while (columns[lastStar]!.kind === 'expr') lastStar--;
  for (let k = lastStar + 1; k < columns.length; k++) out.push([width - (columns.length - k), columns[k]!]);
  return out;
}

/** The column name as written, when `expr` is a column reference, under COLLATE or not. */
function writtenColumn(expr: Expr): string | null {
  let e = expr;
  while (e.kind === 'collate') e = e.operand;
  return e.kind === 'column' ? e.column.name : null;
}

/**
 * Column names made unique as SQLite makes a subquery's: a name already taken (ignoring case) gets
 * ":1", ":2", … appended, in place of any ":digits" it already ends with.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let chosen = name;
    const base = name.replace(/:[0-9]+$/, '');
    for (let n = 1; taken.has(chosen.toLowerCase()); n++) chosen = `${base}:${n}`;
    taken.add(chosen.toLowerCase());
    return chosen;
  });
}
