/**
 * Traversal of expression trees: the direct sub-expressions of an expression, not descending into
 * subqueries (their SELECTs are separate queries with their own scopes).
 */
import type { Expr } from './ast.js';

/**
 * Syntax trees (an expression, or a list of trees and plain values) as text with their source positions
 * left out: two trees give the same text when they are spelled alike.
 */
export function treeText(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'start' || key === 'end' ? undefined : v));
}

/** Calls `visit` on each direct sub-expression of `expr` that belongs to the same query. */
export function forEachChild(expr: Expr, visit: (child: Expr) => void): void {
  switch (expr.kind) {
    case 'unary':
    case 'isNull':
    case 'collate':
    case 'cast':
      visit(expr.operand);
      return;
    case 'binary':
      visit(expr.left);
      visit(expr.right);
      return;
    case 'like':
      visit(expr.left);
      visit(expr.right);
      if (expr.escape) visit(expr.escape);
      return;
    case 'between':
      visit(expr.operand);
      visit(expr.low);
      visit(expr.high);
      return;
    case 'in':
      visit(expr.operand);
      if (expr.values.kind === 'list') expr.values.items.forEach(visit);
      else if (expr.values.kind === 'inTable' && expr.values.args) expr.values.args.forEach(visit);
      return;
    case 'case':
      if (expr.operand) visit(expr.operand);
      for (const w of expr.whens) {
        visit(w.when);
        visit(w.then);
      }
      if (expr.else) visit(expr.else);
      return;
    case 'function':
      expr.args.forEach(visit);
      for (const term of expr.orderBy) visit(term.expr);
      if (expr.filter) visit(expr.filter);
      if (expr.over?.kind === 'window') {
        expr.over.partitionBy.forEach(visit);
        for (const term of expr.over.orderBy) visit(term.expr);
      }
      return;
    case 'row':
      expr.items.forEach(visit);
      return;
    case 'raise':
      if (expr.message) visit(expr.message);
      return;
    default:
      return;
  }
}

/** Whether `test` holds for `expr` or any expression inside it (outside subqueries). */
export function someExpr(expr: Expr, test: (e: Expr) => boolean): boolean {
  if (test(expr)) return true;
  let found = false;
  forEachChild(expr, (child) => {
    if (!found && someExpr(child, test)) found = true;
  });
  return found;
}
