/**
 * SQLite's core functions that choose among or describe their arguments
 * (sqlite.org/lang_corefunc.html): coalesce, ifnull, iif/if, nullif, typeof, likely, unlikely,
 * likelihood, the multi-argument min and max, the connection counters last_insert_rowid, changes
 * and total_changes, and sqlite_version.
 *
 * Arguments pass through with their storage class unchanged. Comparisons (nullif, min, max) apply no
 * affinity and use the call's collation; on ties max keeps the first argument and min the last, as
 * SQLite's loop does.
 */
import { ValueType } from '../record/value.js';
import { type Args, type Result, resultFromArg } from '../value/args.js';
import { compareValues } from '../value/compare.js';
import { truthValue } from '../value/convert.js';
import type { FunctionContext } from './types.js';

/** The SQLite version Hearth emulates: the one its differential tests run against. */
export const SQLITE_VERSION = '3.53.2';

/** coalesce(X, Y, …) and ifnull(X, Y): the first argument that is not NULL, else NULL. */
export function coalesceFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  for (let i = 0; i < args.count; i++) {
    if (args.type(i) !== ValueType.Null) return resultFromArg(args, i, result);
  }
  result.null();
}

/**
 * iif(C1, V1, [C2, V2, …], [ELSE]) and if(): the V of the first true condition (NULL and false are
 * not true; text is read as a number), else ELSE, else NULL.
 */
export function iifFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  let i = 0;
  for (; i + 1 < args.count; i += 2) {
    if (truthValue(args.type(i), args.raw(i)) === true) return resultFromArg(args, i + 1, result);
  }
  if (i < args.count) return resultFromArg(args, i, result);
  result.null();
}

/** Compares arguments i and j (neither NULL) with the call's collation. */
function compareArgs(ctx: FunctionContext, args: Args, i: number, j: number): number {
  return compareValues(args.type(i), args.raw(i), args.type(j), args.raw(j), ctx.collation);
}

/** nullif(X, Y): X, or NULL when X equals Y. */
export function nullifFunction(ctx: FunctionContext, args: Args, result: Result): void {
  if (args.type(0) !== ValueType.Null && args.type(1) !== ValueType.Null && compareArgs(ctx, args, 0, 1) === 0) {
    return result.null();
  }
  resultFromArg(args, 0, result);
}

const TYPE_NAMES = ['null', 'integer', 'real', 'text', 'blob'];

/** typeof(X): the name of X's storage class. */
export function typeofFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  result.text(TYPE_NAMES[args.type(0)]);
}

/** likely(X), unlikely(X): X (hints to the query planner only). */
export function likelyFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  resultFromArg(args, 0, result);
}

/** likelihood(X, P): X; P must be a REAL between 0.0 and 1.0. */
export function likelihoodFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  const p = args.raw(1);
  if (args.type(1) !== ValueType.Real || !((p as number) >= 0 && (p as number) <= 1)) {
    return result.error('second argument to likelihood() must be a constant between 0.0 and 1.0');
  }
  resultFromArg(args, 0, result);
}

/** max(X, Y, …): the largest argument, or NULL if any is NULL. */
export function maxFunction(ctx: FunctionContext, args: Args, result: Result): void {
  let best = 0;
  for (let i = 0; i < args.count; i++) {
    if (args.type(i) === ValueType.Null) return result.null();
    if (i > 0 && compareArgs(ctx, args, best, i) < 0) best = i;
  }
  resultFromArg(args, best, result);
}

/** min(X, Y, …): the smallest argument, or NULL if any is NULL. */
export function minFunction(ctx: FunctionContext, args: Args, result: Result): void {
  let best = 0;
  for (let i = 0; i < args.count; i++) {
    if (args.type(i) === ValueType.Null) return result.null();
    if (i > 0 && compareArgs(ctx, args, best, i) >= 0) best = i;
  }
  resultFromArg(args, best, result);
}

/** last_insert_rowid(). */
export function lastInsertRowidFunction(ctx: FunctionContext, _args: Args, result: Result): void {
  result.int(ctx.connection.lastInsertRowid());
}

/** changes(). */
export function changesFunction(ctx: FunctionContext, _args: Args, result: Result): void {
  result.int(ctx.connection.changes());
}

/** total_changes(). */
export function totalChangesFunction(ctx: FunctionContext, _args: Args, result: Result): void {
  result.int(ctx.connection.totalChanges());
}

/** sqlite_version(). */
export function sqliteVersionFunction(_ctx: FunctionContext, _args: Args, result: Result): void {
  result.text(SQLITE_VERSION);
}
