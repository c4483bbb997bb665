/**
 * Firing triggers. A writing statement asks `rowTriggers` at compile time for the triggers its rows
 * fire (none: null, and the statement's row loop pays nothing); per row it then calls `fire` with the
 * OLD and NEW row images for each timing (BEFORE, AFTER, INSTEAD OF).
 *
 * A trigger is compiled once per statement and conflict override (`TriggerProgram`, shared through the
 * statement's cache, so a trigger reached again through another trigger's body is not compiled again
 * and recursion ends). Its WHEN and body statements are compiled with OLD and NEW in scope (`TriggerScope`,
 * which expr.ts consults after the statement's own sources) and with the firing statement's conflict
 * clause, when it has one, overriding the body statements' own (SQLite's rule). The first copy of the
 * compiled body is made at once, so an error in a body is reported when the firing statement is
 * prepared, as SQLite does; a trigger firing inside itself (recursive_triggers) gets a copy per level.
 *
 * Each firing is a frame, as SQLite's sub-programs: without recursive_triggers a trigger already firing
 * does not fire again; more than 1000 frames deep is an error; changes() inside reports the body's last
 * statement, and changes() and last_insert_rowid() are restored when the frame ends, while every body
 * statement adds its changes to total_changes(). RAISE(IGNORE) ends the firing and tells the caller to
 * skip the row.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import { BINARY } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { ValueType } from '../record/value.js';
import type { ColumnRef, ConflictResolution } from '../sql/ast.js';
import type { TableInfo, TriggerInfo } from '../plan/catalog.js';
import { Affinity } from '../value/affinity.js';
import { Bindings, type Compiled, type Evaluator, type Scope, compileExpr, produce, truth } from './expr.js';
import { type CompileEnv, type Effects, type Program, compileStatement, writeProgram } from './program.js';
import { compileWithQueries } from './query.js';
import { RAISE_IGNORE } from './raise.js';
import { RowImage, isRowidName } from './rowscope.js';
import type { ReplaceHook } from './rowwrite.js';

/** SQLite's default SQLITE_MAX_TRIGGER_DEPTH. */
const MAX_TRIGGER_DEPTH = 1000;

/** The connection's change counters, which trigger frames save and restore. */
export interface TriggerCounters {
  changes: number;
  totalChanges: number;
  lastInsertRowid: Int64;
}

/** A connection's trigger state. */
export class TriggerState {
  /** PRAGMA recursive_triggers. */
  recursive = false;
  /** The triggers firing, outermost first. */
  readonly active: TriggerInfo[] = [];

  constructor(readonly counters: TriggerCounters) {}
}

/** For compilations made without a connection (which then count nothing). */
const DETACHED = new TriggerState({ changes: 0, totalChanges: 0, lastInsertRowid: 0 });

/** What a trigger's WHEN and body are compiled with. */
export interface TriggerContext {
  /** OLD and NEW. */
  scope: TriggerScope;
  /** The firing statement's conflict clause, which overrides the body statements' own; null when it has none. */
  orconf: ConflictResolution | null;
  /** The statement's compiled triggers, by name and override. */
  cache: Map<string, TriggerProgram>;
}

/** The events a writing statement fires triggers for. */
export type TriggerEvent = TriggerInfo['event'];

/**
 * OLD and NEW of a trigger body: the row images of the firing, with the table's (or view's) columns. A
 * view's rows have no rowid.
 */
export class TriggerScope implements Scope {
  old: RowImage;
  new: RowImage;

  constructor(
    private readonly table: TableInfo,
    private readonly event: TriggerEvent,
    private readonly hasRowid: boolean,
  ) {
    this.old = new RowImage(table.columns.length);
    this.new = this.old;
  }

  column(ref: ColumnRef): Compiled | undefined {
    if (ref.schema || !ref.table) return undefined;
    const which = ref.table.name.toLowerCase();
    const isNew = which === 'new' && this.event !== 'DELETE';
    if (!isNew && !(which === 'old' && this.event !== 'INSERT')) return undefined;
    const lower = ref.column.name.toLowerCase();
    const i = this.table.columns.findIndex((c) => c.name.toLowerCase() === lower);
    if (i >= 0) {
      const info = this.table.columns[i]!;
      const fn: Evaluator = isNew
        ? () => produce(this.new.types[i] as ValueType, this.new.values[i]!)
        : () => produce(this.old.types[i] as ValueType, this.old.values[i]!);
      return { fn, affinity: info.affinity, collation: info.collation, explicitCollation: false };
    }
    if (!this.hasRowid || !isRowidName(lower)) return undefined;
    const fn: Evaluator = isNew ? () => produce(ValueType.Integer, this.new.rowid) : () => produce(ValueType.Integer, this.old.rowid);
    return { fn, affinity: Affinity.Integer, collation: BINARY, explicitCollation: false };
  }
}

/** One compiled copy of a trigger: its scope, WHEN, and body programs. */
interface TriggerCopy {
  scope: TriggerScope;
  /** Starts a new execution for WHEN's subqueries; null without WHEN. */
  whenProgram: Program | null;
  when: Evaluator | null;
  body: Program[];
}

/** A trigger compiled for one statement and conflict override. */
export class TriggerProgram {
  private readonly copies: TriggerCopy[] = [];
  /** How many firings of this program are under way (each uses its own copy). */
  private firing = 0;
  private readonly state: TriggerState;

  constructor(
    readonly info: TriggerInfo,
    private readonly table: TableInfo,
    private readonly orconf: ConflictResolution | null,
    private readonly cache: Map<string, TriggerProgram>,
    private readonly env: CompileEnv,
  ) {
    this.state = env.triggerState ?? DETACHED;
  }

  /** Compiles the first copy (reporting errors in the body now). */
  prepare(): void {
    this.copies.push(this.compile());
  }

  private compile(): TriggerCopy {
    const info = this.info;
    // INSTEAD OF triggers are on views.
    const scope = new TriggerScope(this.table, info.event, info.timing !== 'INSTEAD OF');
    const env: CompileEnv = {
      sql: info.sql,
      catalog: this.env.catalog,
      bindings: new Bindings(),
      functions: this.env.functions,
      connection: this.env.connection,
      triggerState: this.env.triggerState,
      foreignKeys: this.env.foreignKeys,
      trigger: { scope, orconf: this.orconf, cache: this.cache },
    };
    let when: Evaluator | null = null;
    const whenExpr = info.when;
    const whenProgram = whenExpr
      ? compileWithQueries(env, (inner) => {
          when = compileExpr(whenExpr, { scope: null, bindings: inner.bindings, functions: inner.functions, env: inner }).fn;
          return writeProgram(() => {});
        })
      : null;
    const body = info.body.map((stmt) => compileStatement(stmt, env));
    return { scope, whenProgram, when, body };
  }

  /**
   * Fires the trigger for one row. Returns false when RAISE(IGNORE) asks the statement to skip the row.
   * `effects` is the firing statement's, whose last inserted rowid the body sees.
   */
  fire(old: RowImage | null, row: RowImage | null, bt: Btree, effects: Effects): boolean {
    const state = this.state;
    const active = state.active;
    if (!state.recursive && !this.info.foreignKeyAction && active.includes(this.info)) return true;
    if (active.length >= MAX_TRIGGER_DEPTH) throw new SqliteError('SQLITE_ERROR', 'too many levels of trigger recursion');
    const counters = state.counters;
    const savedChanges = counters.changes;
    const savedRowid = counters.lastInsertRowid;
    counters.lastInsertRowid = effects.lastInsertRowid;
    const copy = this.copies[this.firing] ?? this.compileCopy();
    if (old) copy.scope.old = old;
    if (row) copy.scope.new = row;
    active.push(this.info);
    this.firing++;
    try {
      if (copy.whenProgram) {
        copy.whenProgram.open(bt, effects);
        if (truth(copy.when!) !== true) return true;
      }
      for (const program of copy.body) {
        const done: Effects = { changes: 0, lastInsertRowid: counters.lastInsertRowid };
        program.open(bt, done);
        try {
          while (program.step());
        } finally {
          program.close();
        }
        counters.changes = done.changes;
        counters.totalChanges += done.changes;
        counters.lastInsertRowid = done.lastInsertRowid;
      }
      return true;
    } catch (err) {
      if (err === RAISE_IGNORE) return false;
      // JavaScript's stack may end before SQLite's depth limit: the outermost frame reports it as that limit.
      if (err instanceof RangeError && active.length === 1) throw new SqliteError('SQLITE_ERROR', 'too many levels of trigger recursion');
      throw err;
    } finally {
      this.firing--;
      active.pop();
      counters.changes = savedChanges;
      counters.lastInsertRowid = savedRowid;
    }
  }

  private compileCopy(): TriggerCopy {
    const copy = this.compile();
    this.copies.push(copy);
    return copy;
  }
}

/** The triggers a statement's rows fire, by timing; each list in firing order. */
export class RowTriggers {
  constructor(
    readonly before: TriggerProgram[],
    readonly after: TriggerProgram[],
    readonly insteadOf: TriggerProgram[],
  ) {}

  /** Fires `list` for a row; false when RAISE(IGNORE) skipped the row (the later triggers do not fire). */
  static fire(list: readonly TriggerProgram[], old: RowImage | null, row: RowImage | null, bt: Btree, effects: Effects): boolean {
    for (let i = 0; i < list.length; i++) if (!list[i]!.fire(old, row, bt, effects)) return false;
    return true;
  }

  fireBefore(old: RowImage | null, row: RowImage | null, bt: Btree, effects: Effects): boolean {
    return RowTriggers.fire(this.before, old, row, bt, effects);
  }

  fireAfter(old: RowImage | null, row: RowImage | null, bt: Btree, effects: Effects): boolean {
    return RowTriggers.fire(this.after, old, row, bt, effects);
  }

  fireInsteadOf(old: RowImage | null, row: RowImage | null, bt: Btree, effects: Effects): boolean {
    return RowTriggers.fire(this.insteadOf, old, row, bt, effects);
  }
}

/**
 * The triggers that rows written to `table` by an `event` statement fire, compiled; null when there are
 * none. `setColumns` are the lower-case names an UPDATE sets (an UPDATE OF trigger fires only when one
 * of its columns is among them); `or` is the statement's effective conflict clause.
 */
export function rowTriggers(env: CompileEnv, table: TableInfo, event: TriggerEvent, or: ConflictResolution | null, setColumns: readonly string[] | null = null): RowTriggers | null {
  const all = env.catalog.triggersOn(table);
  if (all.length === 0) return null;
  const before: TriggerProgram[] = [];
  const after: TriggerProgram[] = [];
  const insteadOf: TriggerProgram[] = [];
  const cache = env.trigger?.cache ?? new Map<string, TriggerProgram>();
  for (const info of all) {
    if (info.event !== event) continue;
    if (info.columns && setColumns && !setColumns.some((c) => info.columns!.includes(c))) continue;
    const key = `${info.name.toLowerCase()}\u0000${or ?? ''}`;
    let program = cache.get(key);
    if (!program) {
      program = new TriggerProgram(info, table, or, cache, env);
      cache.set(key, program);
      program.prepare();
    }
    (info.timing === 'BEFORE' ? before : info.timing === 'AFTER' ? after : insteadOf).push(program);
  }
  if (before.length + after.length + insteadOf.length === 0) return null;
  return new RowTriggers(before, after, insteadOf);
}

/** Fires a table's DELETE triggers around the rows REPLACE deletes, when recursive_triggers is on. */
export class ReplaceDeletes implements ReplaceHook {
  /** The running execution's B-tree and effects: set by `start`. */
  private bt: Btree | null = null;
  private effects: Effects | null = null;
  private readonly state: TriggerState;

  constructor(
    private readonly triggers: RowTriggers,
    env: CompileEnv,
  ) {
    this.state = env.triggerState ?? DETACHED;
  }

  /** Binds the hook to an execution of its statement. */
  start(bt: Btree, effects: Effects): void {
    this.bt = bt;
    this.effects = effects;
  }

  get active(): boolean {
    return this.state.recursive;
  }

  before(victim: RowImage): void {
    this.triggers.fireBefore(victim, null, this.bt!, this.effects!);
  }

  after(victim: RowImage): void {
    this.triggers.fireAfter(victim, null, this.bt!, this.effects!);
  }
}

/** The REPLACE hook for a statement writing `table` under conflict clause `or`, or null when none is needed. */
export function replaceDeletes(env: CompileEnv, table: TableInfo, or: ConflictResolution | null): ReplaceDeletes | null {
  const needed = or === 'REPLACE' || table.rowidConflict === 'REPLACE' || table.indexes.some((index) => index.onConflict === 'REPLACE');
  const triggers = needed ? rowTriggers(env, table, 'DELETE', or) : null;
  return triggers ? new ReplaceDeletes(triggers, env) : null;
}

/** The conflict clause a statement runs under: the firing statement's, in a trigger body, when it has one. */
export function effectiveConflict(env: CompileEnv, own: ConflictResolution | null): ConflictResolution | null {
  return env.trigger?.orconf ?? own;
}
