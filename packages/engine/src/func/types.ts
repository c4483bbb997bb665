/**
 * The shapes of SQL functions: what a scalar function and an aggregate receive, and the descriptor
 * the registry hands to the executor.
 *
 * A scalar function is called once per row with its arguments (value/args.ts) and writes exactly one
 * result. An aggregate is an object created per group: `step` once per row, then `final` once; window
 * frames also use `value` (the current result, without ending the aggregate) and `inverse` (remove a
 * row that left the frame), which only some aggregates have.
 */
import type { Collation } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import type { Args, Result } from '../value/args.js';

/** The connection's change counters, as last_insert_rowid(), changes() and total_changes() see them. */
export interface ConnectionCounters {
  lastInsertRowid(): Int64;
  changes(): Int64;
  totalChanges(): Int64;
}

/** What a call knows besides its arguments. */
export interface FunctionContext {
  /** Collating sequence of the call, for functions that compare text (min, max, nullif, …). */
  readonly collation: Collation;
  readonly connection: ConnectionCounters;
  /** 32 random bits, for random() and randomblob(). */
  random32(): number;
  /**
   * The current time in milliseconds since 1970, for 'now' in the date and time functions: read once
   * per run of a statement, the same for every call within it (SQLite's sqlite3StmtCurrentTime).
   */
  currentTime(): number;
  /**
   * Set where SQLite requires calls to be deterministic (CHECK constraints, index expressions and
   * partial-index WHERE clauses): the place, as its error "non-deterministic use of F() in …" names
   * it, for a date function that reads the clock or the time zone there.
   */
  readonly pureContext?: string;
  /** Functions the connection defines itself (better-sqlite3's `db.function`), found before the built-ins. */
  readonly overrides?: FunctionOverrides;
}

/** A connection's own functions, by name (case-insensitive) and argument count. */
export interface FunctionOverrides {
  /** The function `name` taking `argc` arguments (an exact count before a variadic one), or undefined. */
  find(name: string, argc: number): FunctionDescriptor | undefined;
  /** Whether a function `name` is defined for some argument count. */
  has(name: string): boolean;
}

/** A scalar function. */
export type ScalarFunction = (ctx: FunctionContext, args: Args, result: Result) => void;

/** The running state of one aggregate (one group, or one window partition). */
export interface Aggregate {
  /** Adds a row. */
  step(args: Args): void;
  /** Removes the oldest row still counted (window frames); present only where SQLite has it. */
  inverse?(args: Args): void;
  /** The result so far, leaving the aggregate usable (window frames). */
  value(result: Result): void;
  /** The final result. */
  final(result: Result): void;
}

/** Creates the state of an aggregate for a new group. */
export type AggregateFactory = (ctx: FunctionContext) => Aggregate;

/** A function found by name and argument count. */
export type FunctionDescriptor =
  | {
      readonly kind: 'scalar';
      /** The name in lower case. */
      readonly name: string;
      /** Same arguments, same result (random() and the change counters are not). */
      readonly deterministic: boolean;
      readonly implementation: ScalarFunction;
    }
  | {
      readonly kind: 'aggregate';
      readonly name: string;
      readonly deterministic: true;
      /** Whether the aggregate supports `inverse`, so window frames can slide over it. */
      readonly invertible: boolean;
      readonly implementation: AggregateFactory;
    };
