/**
 * Where a column evaluator's value lies in a stored record, so that an operator able to work on bytes
 * (LIKE and GLOB) reads a TEXT straight from the page instead of having it decoded into a JS string.
 *
 * The location hangs on the evaluator function itself, not on its `Compiled`: whatever wraps or
 * replaces the evaluator (CAST, a window's captured column, a merged USING column) drops it, so it
 * only ever describes the value that very evaluator returns.
 */
import type { RecordReader } from '../record/record.js';
import type { Evaluator } from './expr.js';

export interface StoredField {
  /** The record of the current row. */
  readonly reader: RecordReader;
  /** The column's field in `reader` for the current row, or -1 when its value does not come from there now. */
  field(): number;
}

type StoredEvaluator = Evaluator & { stored?: StoredField };

/** Marks `fn` as reading its value from `stored`; returns `fn`. */
export function withStoredField(fn: Evaluator, stored: StoredField): Evaluator {
  (fn as StoredEvaluator).stored = stored;
  return fn;
}

/** Where `fn`'s value lies, when `fn` reads a column of a stored record; else null. */
export function storedField(fn: Evaluator): StoredField | null {
  return (fn as StoredEvaluator).stored ?? null;
}
