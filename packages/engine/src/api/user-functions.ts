/**
 * Functions a connection defines from JavaScript, as better-sqlite3's `db.function(name, [options], fn)`:
 * the table the compiler consults before the built-ins, and the conversions between SQL values and
 * JavaScript values at each call.
 *
 * Conversions follow better-sqlite3. Arguments: NULL → null, INTEGER → number (bigint with
 * `safeIntegers`), REAL → number, TEXT → string, BLOB → a Uint8Array copy. Results: a number is a REAL
 * (even an integral one; NaN becomes NULL), a bigint an INTEGER (a RangeError beyond 64 bits), a string
 * TEXT, a typed array or DataView a BLOB, null and undefined NULL; anything else is a TypeError. An
 * error the function throws leaves the statement unchanged.
 *
 * Invariant: a name maps to at most one entry per argument count, -1 standing for `varargs`; defining
 * the same name and count again replaces the entry.
 */
import { normalizeInt64 } from '../record/int64.js';
import { ValueType } from '../record/value.js';
import { lookupFunction } from '../func/registry.js';
import type { FunctionDescriptor, FunctionOverrides, ScalarFunction } from '../func/types.js';
import type { Args, Result } from '../value/args.js';

/** The options of `db.function`. */
export interface FunctionOptions {
  /** Any number of arguments (otherwise exactly `fn.length`). */
  varargs?: boolean;
  /** Same arguments, same result. */
  deterministic?: boolean;
  /** Not callable from the schema (views, triggers); recorded only, as Hearth has neither yet. */
  directOnly?: boolean;
  /** INTEGER arguments arrive as bigint. */
  safeIntegers?: boolean;
}

/** A JavaScript function as SQL calls it. */
export type JsFunction = (...args: never[]) => unknown;

const VARARGS = -1;
const MAX_ARGS = 100;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export class ConnectionFunctions implements FunctionOverrides {
  private readonly byName = new Map<string, Map<number, FunctionDescriptor>>();

  /** Validates the arguments of `db.function` as better-sqlite3 does and defines the function. */
  define(name: unknown, optionsOrFn: unknown, maybeFn?: unknown): void {
    let options: unknown = optionsOrFn;
    let fn: unknown = maybeFn;
    if (options == null) options = {};
    if (typeof options === 'function') {
      fn = options;
      options = {};
    }
    if (typeof name !== 'string') throw new TypeError('Expected first argument to be a string');
    if (typeof fn !== 'function') throw new TypeError('Expected last argument to be a function');
    if (typeof options !== 'object') throw new TypeError('Expected second argument to be an options object');
    if (!name) throw new TypeError('User-defined function name cannot be an empty string');
    const opts = options as Record<string, unknown>;
    const safeIntegers = booleanOption(opts, 'safeIntegers');
    const deterministic = booleanOption(opts, 'deterministic');
    booleanOption(opts, 'directOnly');
    const varargs = booleanOption(opts, 'varargs');
    let argc = VARARGS;
    if (!varargs) {
      argc = (fn as JsFunction).length;
      if (!Number.isInteger(argc) || argc < 0) throw new TypeError('Expected function.length to be a positive integer');
      if (argc > MAX_ARGS) throw new RangeError(`User-defined functions cannot have more than ${MAX_ARGS} arguments`);
    }
    const key = name.toLowerCase();
    let entries = this.byName.get(key);
    if (!entries) this.byName.set(key, (entries = new Map()));
    entries.set(argc, {
      kind: 'scalar',
      name: key,
      deterministic,
      implementation: callJs(name, fn as JsFunction, safeIntegers),
    });
  }

  find(name: string, argc: number): FunctionDescriptor | undefined {
    const entries = this.byName.get(name.toLowerCase());
    return entries?.get(argc) ?? entries?.get(VARARGS);
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  /**
   * PRAGMA case_sensitive_like: as SQLite does, registers the built-in like() again for two and three
   * arguments, replacing any like() the connection defined with those counts; `caseSensitive` picks
   * the variant that compares letters exactly.
   */
  registerBuiltinLike(caseSensitive: boolean): void {
    const entries = this.byName.get('like');
    entries?.delete(2);
    entries?.delete(3);
    if (entries?.size === 0) this.byName.delete('like');
    if (!caseSensitive) return;
    const exact = new Map<number, FunctionDescriptor>(entries);
    for (const argc of [2, 3]) exact.set(argc, lookupFunction('like', argc, { caseSensitiveLike: true })!);
    this.byName.set('like', exact);
  }
}

function booleanOption(options: Record<string, unknown>, key: string): boolean {
  if (!(key in options)) return false;
  const value = options[key];
  if (typeof value !== 'boolean') throw new TypeError(`Expected the "${key}" option to be a boolean`);
  return value;
}

/** The scalar function that calls `fn` with JavaScript arguments and stores what it returns. */
function callJs(name: string, fn: JsFunction, safeIntegers: boolean): ScalarFunction {
  const call = fn as (...args: unknown[]) => unknown;
  return (_ctx, args, result) => {
    const argv = new Array<unknown>(args.count);
    for (let i = 0; i < args.count; i++) argv[i] = jsArgument(args, i, safeIntegers);
    deliver(name, call(...argv), result);
  };
}

function jsArgument(args: Args, i: number, safeIntegers: boolean): unknown {
  switch (args.type(i)) {
    case ValueType.Null:
      return null;
    case ValueType.Integer: {
      const v = args.int(i);
      return safeIntegers ? BigInt(v) : Number(v);
    }
    case ValueType.Real:
      return args.real(i);
    case ValueType.Text:
      return args.text(i);
    default:
      return args.blob(i).slice();
  }
}

function deliver(name: string, value: unknown, result: Result): void {
  if (typeof value === 'number') return result.real(value);
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`User-defined function ${name}() returned a bigint that was too big`);
    return result.int(normalizeInt64(value));
  }
  if (typeof value === 'string') return result.text(value);
  if (value === null || value === undefined) return result.null();
  if (ArrayBuffer.isView(value)) return result.blob(new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice());
  throw new TypeError(`User-defined function ${name}() returned an invalid value`);
}
