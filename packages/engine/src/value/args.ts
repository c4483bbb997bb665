/**
 * How SQL functions receive arguments and deliver results, in the style of SQLite's value API
 * (sqlite3_value_* and sqlite3_result_*), without boxing values.
 *
 * `Args` exposes each argument's storage class and the conversions of sqlite3_value_int64, _double,
 * _text and _blob (see convert.ts): `int` of a REAL truncates and saturates, of TEXT reads the
 * integer prefix; `real` of TEXT reads the numeric prefix; `text` renders numbers as SQLite does;
 * `blob` gives the UTF-8 bytes of a non-BLOB. NULL converts to 0, 0.0, '' and an empty BLOB.
 * `raw` is the value itself, a `number` for INTEGER and REAL alike (the type tells them apart).
 *
 * `Result` receives exactly one call per function invocation.
 *
 * `ArrayArgs` and `CapturingResult` are plain implementations for tests and for callers holding
 * ordinary values; the executor provides register-backed ones.
 */
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { toBlob, toInt, toReal, toText } from './convert.js';

/**
 * The longest TEXT (in bytes) or BLOB a function may produce; longer is SQLITE_TOOBIG. This is V8's
 * longest string, which is also the SQLITE_LIMIT_LENGTH better-sqlite3 gives SQLite (the oracle);
 * SQLite's own default is 10^9.
 */
export const MAX_LENGTH = 536_870_888;

/** The arguments of one function call. Indexes run from 0 to `count - 1`. */
export interface Args {
  readonly count: number;
  /** Storage class of argument `i`. */
  type(i: number): ValueType;
  /** Argument `i` as an INTEGER (sqlite3_value_int64). */
  int(i: number): Int64;
  /** Argument `i` as a REAL (sqlite3_value_double). */
  real(i: number): number;
  /** Argument `i` as TEXT (sqlite3_value_text; '' for NULL). */
  text(i: number): string;
  /** Argument `i` as a BLOB (sqlite3_value_blob; empty for NULL). */
  blob(i: number): Uint8Array;
  /** Argument `i` unconverted: null, an Int64 or number, a string or a Uint8Array. */
  raw(i: number): SqlValue;
  /**
   * The subtype of argument `i` (sqlite3_value_subtype): what a function result may carry beside
   * its value (the JSON functions mark their text as JSON), 0 for none. Values read from tables have
   * none.
   */
  subtype?(i: number): number;
}

/** Where a function puts its result. */
export interface Result {
  null(): void;
  /** An INTEGER in Int64 form (a bigint only outside the safe range). */
  int(v: Int64): void;
  /** A REAL; NaN becomes NULL, as in SQLite. */
  real(v: number): void;
  text(v: string): void;
  blob(v: Uint8Array): void;
  /** The call fails with this message (SQLITE_ERROR). */
  error(message: string): void;
  /** The result is too large (SQLITE_TOOBIG, "string or blob too big"). */
  tooBig(): void;
  /** Sets the result's subtype (sqlite3_result_subtype), after the value. */
  subtype?(subtype: number): void;
}

/** Delivers argument `i` unchanged as the result, subtype included (coalesce, ifnull, min, max, …). */
export function resultFromArg(args: Args, i: number, result: Result): void {
  const v = args.raw(i);
  switch (args.type(i)) {
    case ValueType.Null:
      result.null();
      break;
    case ValueType.Integer:
      result.int(v as Int64);
      break;
    case ValueType.Real:
      result.real(v as number);
      break;
    case ValueType.Text:
      result.text(v as string);
      break;
    default:
      result.blob(v as Uint8Array);
  }
  const subtype = args.subtype?.(i) ?? 0;
  if (subtype !== 0) result.subtype?.(subtype);
}

/** A typed value: a storage class and the value in that class. */
export interface TypedValue {
  type: ValueType;
  value: SqlValue;
}

/** `Args` over an array of typed values. */
export class ArrayArgs implements Args {
  constructor(private readonly values: readonly TypedValue[]) {}

  get count(): number {
    return this.values.length;
  }

  type(i: number): ValueType {
    return this.values[i].type;
  }

  int(i: number): Int64 {
    const v = this.values[i];
    return toInt(v.type, v.value);
  }

  real(i: number): number {
    const v = this.values[i];
    return toReal(v.type, v.value);
  }

  text(i: number): string {
    const v = this.values[i];
    return toText(v.type, v.value);
  }

  blob(i: number): Uint8Array {
    const v = this.values[i];
    return toBlob(v.type, v.value);
  }

  raw(i: number): SqlValue {
    return this.values[i].value;
  }
}

/** Arguments evaluated into typed slots (`types[i]`, `values[i]`) that the caller fills before each call. */
export class SlotArgs implements Args {
  readonly count: number;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  /** Subtypes of the arguments (0 for none). */
  readonly subtypes: Uint8Array;

  constructor(count: number) {
    this.count = count;
    this.types = new Uint8Array(count);
    this.subtypes = new Uint8Array(count);
    this.values = new Array<SqlValue>(count).fill(null);
  }

  type(i: number): ValueType {
    return this.types[i] as ValueType;
  }
  int(i: number): Int64 {
    return toInt(this.types[i] as ValueType, this.values[i]!);
  }
  real(i: number): number {
    return toReal(this.types[i] as ValueType, this.values[i]!);
  }
  text(i: number): string {
    return toText(this.types[i] as ValueType, this.values[i]!);
  }
  blob(i: number): Uint8Array {
    return toBlob(this.types[i] as ValueType, this.values[i]!);
  }
  raw(i: number): SqlValue {
    return this.values[i]!;
  }
  subtype(i: number): number {
    return this.subtypes[i]!;
  }
}

/** A `Result` that records what it was given. */
export class CapturingResult implements Result {
  /** Storage class of the result (NULL until set). */
  type: ValueType = ValueType.Null;
  value: SqlValue = null;
  /** The error message, when the function failed. */
  errorMessage: string | null = null;
  /** Set when the function reported SQLITE_TOOBIG. */
  tooLarge = false;
  /** The result's subtype (0 for none). */
  resultSubtype = 0;

  /** Clears the captured result, for reuse. */
  reset(): this {
    this.resultSubtype = 0;
    this.type = ValueType.Null;
    this.value = null;
    this.errorMessage = null;
    this.tooLarge = false;
    return this;
  }

  null(): void {
    this.type = ValueType.Null;
    this.value = null;
  }

  int(v: Int64): void {
    this.type = ValueType.Integer;
    this.value = v;
  }

  real(v: number): void {
    if (v !== v) return this.null();
    this.type = ValueType.Real;
    this.value = v;
  }

  text(v: string): void {
    this.type = ValueType.Text;
    this.value = v;
  }

  blob(v: Uint8Array): void {
    this.type = ValueType.Blob;
    this.value = v;
  }

  error(message: string): void {
    this.errorMessage = message;
  }

  tooBig(): void {
    this.tooLarge = true;
  }

  subtype(subtype: number): void {
    this.resultSubtype = subtype;
  }
}
