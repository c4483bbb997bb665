/**
 * SQLite's HAVING-to-WHERE rewrite. In a query with GROUP BY, an AND term of HAVING whose value is
 * the same for every row of a group — built only from constants, deterministic function calls and
 * expressions identical to a GROUP BY term that groups under BINARY — is checked on the input rows
 * instead: rows it rejects never form a group. That is observable (no aggregate of such a group is
 * finalized, so none can raise an error; a bare column in the term reads each row, not the group's
 * chosen one), so Hearth applies the same rule.
 *
 * What stays in HAVING: a term with an aggregate, a window function, a subquery, a non-deterministic
 * call, a column that is not (inside) a GROUP BY term, an outer query's column, and a term that is
 * always false as SQLite's parser sees it (the literal 0 or FALSE, or what the parser folds to 0).
 * A name is resolved as in HAVING: a column of this FROM clause first, then a result column alias
 * (whose expression stands in its place). Only expression shapes are compared, never values.
 */
import type { Collation } from '../record/compare.js';
import { BINARY } from '../record/compare.js';
import type { ColumnRef, Expr, ResultColumn } from '../sql/ast.js';
import { forEachChild, someExpr } from '../sql/walk.js';
import type { FunctionContext } from '../func/types.js';
import { lookupFunction } from '../func/registry.js';
import { columnNumber, foldedInteger } from './fold.js';
import type { FromScope } from './from.js';

/** HAVING split into the terms that move to WHERE and what remains (null when nothing does). */
export interface HavingSplit {
  moved: Expr[];
  kept: Expr | null;
}

/** What the split needs to know about the query. */
export interface HavingQuery {
  having: Expr;
  groupBy: readonly Expr[];
  columns: readonly ResultColumn[];
  scope: FromScope;
  /** Result column aliases (lower-case) and their expressions. */
  aliases: ReadonlyMap<string, Expr>;
  functions: FunctionContext;
  /** The collation a GROUP BY term groups under, or null when it cannot be told (the term fails to compile). */
  collationOf: (term: Expr) => Collation | null;
}

/** Too deep an alias chain (aliases naming each other): the shape is not compared. */
const MAX_ALIAS_DEPTH = 32;

/** Splits HAVING as SQLite does before grouping. */
export function splitHaving(query: HavingQuery): HavingSplit {
  const shapes = new Shapes(query);
  const grouped = new Set<string>();
  for (const term of query.groupBy) {
    const resolved = resolvedGroupTerm(term, query.columns);
    if (resolved === null) continue;
    // A COLLATE around the whole term does not keep it from matching (its collation is checked instead).
    let bare = resolved;
    while (bare.kind === 'collate') bare = bare.operand;
    const shape = shapes.of(bare);
    if (shape !== null && query.collationOf(resolved) === BINARY) grouped.add(shape);
  }
  const moved: Expr[] = [];
  const kept: Expr[] = [];
  for (const term of conjuncts(query.having)) {
    const movable = foldedInteger(term) !== 0 && !isFalseKeyword(term, query) && constantOrGrouped(term, query, shapes, grouped, 0);
    (movable ? moved : kept).push(term);
  }
  if (moved.length === 0) return { moved, kept: query.having };
  return { moved, kept: kept.length === 0 ? null : kept.reduce((left, right) => ({ kind: 'binary', op: 'AND', left, right, start: left.start, end: right.end })) };
}

/** The AND terms of `expr` as SQLite's parser builds them (an AND it folds to 0 is one term). */
function conjuncts(expr: Expr): Expr[] {
  if (expr.kind === 'binary' && expr.op === 'AND' && foldedInteger(expr) === null) return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}

/** A GROUP BY term with a result column number replaced by that column's expression; null when it names a `*` column. */
function resolvedGroupTerm(term: Expr, columns: readonly ResultColumn[]): Expr | null {
  const n = columnNumber(term);
  if (n === null) return term;
  if (n < 1 || n > columns.length || columns.slice(0, n).some((c) => c.kind !== 'expr')) return null;
  const column = columns[n - 1]!;
  if (column.kind !== 'expr') return null;
  return term.kind === 'collate' ? { ...term, operand: column.expr } : column.expr;
}

/** Whether `expr` is the keyword FALSE (an unquoted bare name that neither a column nor an alias takes). */
function isFalseKeyword(expr: Expr, query: HavingQuery): boolean {
  if (expr.kind !== 'column' || expr.table !== null || expr.column.quote !== null) return false;
  const name = expr.column.name.toLowerCase();
  return name === 'false' && !isLocal(expr, query.scope) && !query.aliases.has(name);
}

/** Whether `ref` names a column of this FROM clause (an ambiguous name counts: it fails to compile anyway). */
function isLocal(ref: ColumnRef, scope: FromScope): boolean {
  try {
    if (!ref.table && scope.merged.has(ref.column.name.toLowerCase())) return true;
    return scope.locate(ref) !== undefined;
  } catch {
    return true;
  }
}

/** The alias expression an unqualified name that no column of this FROM clause takes stands for. */
function aliasOf(ref: ColumnRef, query: HavingQuery): Expr | undefined {
  if (ref.table || ref.schema || isLocal(ref, query.scope)) return undefined;
  return query.aliases.get(ref.column.name.toLowerCase());
}

/** Whether every row of a group gives `expr` the same value, by SQLite's test (see the file comment). */
function constantOrGrouped(expr: Expr, query: HavingQuery, shapes: Shapes, grouped: ReadonlySet<string>, depth: number): boolean {
  const shape = shapes.of(expr);
  if (shape !== null && grouped.has(shape)) return true;
  switch (expr.kind) {
    case 'subquery':
    case 'exists':
    case 'raise':
      return false;
    case 'in':
      if (expr.values.kind !== 'list') return false;
      break;
    case 'column': {
      const alias = aliasOf(expr, query);
      if (alias) return depth < MAX_ALIAS_DEPTH && constantOrGrouped(alias, query, shapes, grouped, depth + 1);
      const name = expr.column.name.toLowerCase();
      return !expr.table && expr.column.quote === null && (name === 'true' || name === 'false') && !isLocal(expr, query.scope);
    }
    case 'function':
      if (expr.over !== null || !deterministicScalar(expr.name.name, expr.star ? 0 : expr.args.length, query.functions)) return false;
      break;
    case 'binary':
      if (foldedInteger(expr) !== null) return true;
      break;
    default:
      break;
  }
  let constant = true;
  forEachChild(expr, (child) => {
    if (constant && !constantOrGrouped(child, query, shapes, grouped, depth)) constant = false;
  });
  return constant;
}

/** Whether `name` with `argc` arguments is a deterministic scalar function. */
function deterministicScalar(name: string, argc: number, functions: FunctionContext): boolean {
  try {
    const descriptor = functions.overrides?.find(name, argc) ?? lookupFunction(name, argc);
    return descriptor !== undefined && descriptor.kind === 'scalar' && descriptor.deterministic;
  } catch {
    return false;
  }
}

/**
 * Expression shapes for comparing terms as SQLite's expression comparison does: positions ignored,
 * names case-insensitive, a column by the column it resolves to, an alias by its expression. A
 * subquery has no shape (it never matches).
 */
class Shapes {
  private readonly known = new Map<Expr, string | null>();

  constructor(private readonly query: HavingQuery) {}

  of(expr: Expr): string | null {
    let shape = this.known.get(expr);
    if (shape === undefined) {
      shape = someExpr(expr, (e) => e.kind === 'subquery' || e.kind === 'exists' || (e.kind === 'in' && e.values.kind !== 'list')) ? null : this.render(expr);
      this.known.set(expr, shape);
    }
    return shape;
  }

  private render(expr: Expr): string | null {
    let expansions = 0;
    try {
      return JSON.stringify(expr, (key, value: unknown) => {
        if (key === 'start' || key === 'end') return undefined;
        if (typeof value === 'bigint') return `${value}n`;
        if (value instanceof Uint8Array) return `x'${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}'`;
        if (typeof value !== 'object' || value === null) return value;
        const node = value as { kind?: string };
        if (node.kind === 'identifier') return (value as { name: string }).name.toLowerCase();
        if (node.kind === 'subquery' || node.kind === 'exists' || node.kind === 'select') throw new Error('no shape');
        if (node.kind !== 'column') return value;
        const ref = value as ColumnRef;
        const alias = aliasOf(ref, this.query);
        if (alias) {
          if (++expansions > MAX_ALIAS_DEPTH) throw new Error('no shape');
          return alias;
        }
        return columnKey(ref, this.query.scope);
      });
    } catch {
      return null;
    }
  }
}

/** A column reference as the column it names: source and column number, a merged USING column by name. */
function columnKey(ref: ColumnRef, scope: FromScope): string {
  const name = ref.column.name.toLowerCase();
  if (!ref.table && scope.merged.has(name)) return `using:${name}`;
  const at = scope.locate(ref);
  if (at) return `column:${at.source}.${at.column}`;
  return `name:${ref.table?.name.toLowerCase() ?? ''}.${name}`;
}
