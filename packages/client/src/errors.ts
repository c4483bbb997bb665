/**
 * Errors on the client side: what the worker sends as a plain `{ code, name, message }` becomes a
 * `SqliteError` again — the very class @hearth/engine exports, so `instanceof SqliteError` holds — or
 * an `Error` of the same name for other failures (e.g. a TypeError for a bad argument).
 */
import { SqliteError, type SqliteErrorCode } from '@hearth/engine';

/** The error `value` stands for, rebuilt when it crossed the worker boundary as a plain object. */
export function rebuildError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'object' && value !== null && 'message' in value) {
    const { code, name, message } = value as { code?: unknown; name?: unknown; message: unknown };
    if (typeof code === 'string') return new SqliteError(code as SqliteErrorCode, String(message));
    const error = name === 'TypeError' ? new TypeError(String(message)) : name === 'RangeError' ? new RangeError(String(message)) : new Error(String(message));
    if (typeof name === 'string' && error.name !== name) error.name = name;
    return error;
  }
  return new Error(String(value));
}

/** `promise`, with its rejection rebuilt as an `Error`. */
export async function settle<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw rebuildError(err);
  }
}

/** SQLITE_MISUSE for a call on a closed connection. */
export function notOpen(): SqliteError {
  return new SqliteError('SQLITE_MISUSE', 'The database connection is not open');
}
