/**
 * Invariant checks for storage code. A failed `assert` is a bug in Hearth (not bad input) and fails
 * loudly; bad bytes read from a file are reported with `corrupt()` from errors.ts instead.
 */
import { SqliteError } from './errors.js';

/** Throws SQLITE_INTERNAL when `condition` is false. */
export function assert(condition: unknown, what: string): asserts condition {
  if (!condition) throw new SqliteError('SQLITE_INTERNAL', `internal invariant violated: ${what}`);
}
