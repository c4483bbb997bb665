/**
 * Enforcing foreign keys (PRAGMA foreign_keys), as SQLite does it: by counting violations.
 *
 * A writing statement asks `rowForeignKeys` at compile time what its rows must check; when foreign keys
 * are off, or the table is neither a child nor a parent, the answer is null and its row loop pays
 * nothing. Per row, before a row version leaves the table (`removing`: DELETE, the old version of an
 * UPDATE, a row REPLACE deletes) and before one enters it (`adding`: INSERT, the new version):
 * - as a child, its parent key is looked up in the parent table (a rowid seek, or a seek of the parent's
 *   UNIQUE index with the parent columns' affinities and collations): a new row without a parent adds a
 *   violation; a removed row without one removes the violation it was counted as;
 * - as a parent, the child rows referring to its key are counted (through a child index whose order
 *   fits, else by a scan), comparing as `parent = child` compares, with the parent column's affinity
 *   and collation: a removed key adds a violation per child, a new key removes one per child.
 * Removals are only looked at while violations are outstanding (SQLite's OP_FkIfZero). After the row
 * is written, the ON DELETE / ON UPDATE actions run (fk-actions.ts).
 *
 * Violations of immediate constraints are counted per statement and fail the statement at its end;
 * those of DEFERRABLE INITIALLY DEFERRED ones (and all, under PRAGMA defer_foreign_keys) are counted
 * per transaction and fail its COMMIT (`ForeignKeyState`).
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import { SqliteError } from '../common/errors.js';
import { type KeyInfo, UnpackedKey, compareKeyToRecord } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { RecordReader } from '../record/record.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { IndexInfo, TableInfo } from '../plan/catalog.js';
import type { ConflictResolution } from '../sql/ast.js';
import { type ForeignKeyInfo, type ParentKey, mismatch, resolveParentKey } from '../plan/foreign-keys.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { compareValues, compareWithAffinity } from '../value/compare.js';
import { BINARY, type Collation } from '../record/compare.js';
import type { CompileEnv, Effects } from './program.js';
import { ConstraintError, type ReplaceHook, TableWriter, type WriteCheck } from './rowwrite.js';
import { RowImage } from './rowscope.js';
import { treeOf } from './schemas.js';
import { type ForeignKeyActions, foreignKeyActions } from './fk-actions.js';

/** The violation a statement (or a COMMIT) fails with. */
export function foreignKeyViolation(): ConstraintError {
  return new ConstraintError('SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed', 'ABORT');
}

/** A connection's foreign key settings and violation counters. */
export class ForeignKeyState {
  private on = false;
  private deferAllFlag = false;
  /** Changes whenever a setting that compiled statements depend on changes. */
  version = 0;
  /** Outstanding violations of deferred constraints in the transaction. */
  deferred = 0;
  /** Outstanding violations of immediate constraints made under defer_foreign_keys. */
  deferredImmediate = 0;
  /** Outstanding violations of immediate constraints in the running statement. */
  statement = 0;
  /** `deferred` and `deferredImmediate` when the running statement started. */
  private deferredAtStatement = 0;
  private deferredImmediateAtStatement = 0;
  /** Per open savepoint: the transaction's counters when it was opened. */
  private readonly savepoints: [number, number][] = [];

  get enabled(): boolean {
    return this.on;
  }

  set enabled(on: boolean) {
    if (on !== this.on) this.version++;
    this.on = on;
  }

  /** PRAGMA defer_foreign_keys. Turning it off forgets the violations counted under it, as in SQLite. */
  get deferAll(): boolean {
    return this.deferAllFlag;
  }

  set deferAll(on: boolean) {
    if (on !== this.deferAllFlag) this.version++;
    this.deferAllFlag = on;
    if (!on) this.deferredImmediate = 0;
  }

  /** Counts `n` violations (negative: resolutions) of `fk`. */
  count(fk: ForeignKeyInfo, n: number): void {
    if (this.deferAllFlag) this.deferredImmediate += n;
    else if (fk.deferred) this.deferred += n;
    else this.statement += n;
  }

  /** Whether no violation that a removal could resolve is outstanding for `fk` (SQLite's OP_FkIfZero). */
  nothingOutstanding(fk: ForeignKeyInfo): boolean {
    if (this.deferredImmediate !== 0) return false;
    return fk.deferred ? this.deferred === 0 : this.statement === 0;
  }

  beginStatement(): void {
    this.statement = 0;
    this.deferredAtStatement = this.deferred;
    this.deferredImmediateAtStatement = this.deferredImmediate;
  }

  /**
   * At the end of a statement: its immediate violations fail it; with `commits` (autocommit), so do the
   * deferred ones.
   */
  endStatement(commits: boolean): void {
    if (this.statement > 0 || (commits && this.deferred + this.deferredImmediate > 0)) throw foreignKeyViolation();
  }

  /** The statement was undone: so are the violations it counted. */
  statementUndone(): void {
    this.deferred = this.deferredAtStatement;
    this.deferredImmediate = this.deferredImmediateAtStatement;
    this.statement = 0;
  }

  /** Before COMMIT: outstanding deferred violations fail it (and the transaction stays open). */
  checkCommit(): void {
    if (this.on && this.deferred + this.deferredImmediate > 0) throw new SqliteError('SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed');
  }

  /** The transaction committed or rolled back: nothing is outstanding, and defer_foreign_keys is off again. */
  transactionEnded(): void {
    this.deferred = 0;
    this.deferAll = false;
    this.savepoints.length = 0;
  }

  openSavepoint(): void {
    this.savepoints.push([this.deferred, this.deferredImmediate]);
  }

  /** ROLLBACK TO savepoint `depth`: its counters come back; newer savepoints are gone. */
  rollbackTo(depth: number): void {
    const saved = this.savepoints[depth];
    if (saved) [this.deferred, this.deferredImmediate] = saved;
    this.savepoints.length = Math.min(this.savepoints.length, depth + 1);
  }

  /** RELEASE of savepoint `depth`. */
  release(depth: number): void {
    this.savepoints.length = Math.min(this.savepoints.length, depth);
  }
}

/** The value of column `column` of `row` (the rowid for -1 or the rowid alias), into `scratch`. */
function keyValue(table: TableInfo, row: RowImage, column: number): ValueType {
  if (column < 0 || column === table.rowidAlias) {
    scratchValue = row.rowid;
    return ValueType.Integer;
  }
  scratchValue = row.values[column]!;
  return row.types[column] as ValueType;
}
let scratchValue: SqlValue = null;

function indexKeyInfo(index: IndexInfo): KeyInfo {
  const n = index.columns.length;
  const desc = new Uint8Array(n + 1);
  index.columns.forEach((c, i) => (desc[i] = c.desc ? 1 : 0));
  return { nField: n + 1, desc, collations: [...index.columns.map((c) => c.collation), BINARY] };
}

/** A child row's parent key, looked up in the parent table. */
export class ParentLookup {
  private readonly affinities: Affinity[];
  private readonly keyInfo: KeyInfo | null;
  private readonly probe = new UnpackedKey();
  private readonly values: SqlValue[];
  private readonly reader = new RecordReader();
  /** Whether the parent table is the child table itself. */
  private readonly self: boolean;

  constructor(
    readonly fk: ForeignKeyInfo,
    private readonly child: TableInfo,
    /** The parent table and key, or null when a DROP TABLE's implicit DELETE finds no parent table. */
    private readonly parent: TableInfo | null,
    private readonly key: ParentKey | null,
  ) {
    this.self = parent === child;
    this.affinities = key && parent ? key.parentColumns.map((c) => (c < 0 || c === parent.rowidAlias ? Affinity.Integer : parent.columns[c]!.affinity)) : [];
    this.keyInfo = key?.index ? indexKeyInfo(key.index) : null;
    this.values = new Array<SqlValue>(fk.columns.length).fill(null);
  }

  /**
   * Counts `row` (+1 when it enters the child table, -1 when it leaves) if its parent key is not
   * found; `exclude` is a parent row to ignore (the old version of a row being updated).
   */
  check(state: ForeignKeyState, bt: Btree, row: RowImage, incr: 1 | -1, exclude: Int64 | null, haltAtOnce = false): void {
    const fk = this.fk;
    if (incr < 0 && this.parent && state.nothingOutstanding(fk)) return;
    for (const c of fk.columns) if (row.types[c] === ValueType.Null) return;
    const parent = this.parent;
    const key = this.key;
    if (!parent || !key) {
      state.count(fk, incr);
      return;
    }
    if (this.self && incr > 0 && this.matchesItself(row)) return;
    if (this.found(bt, parent, key, row, this.self ? exclude : null)) return;
    // SQLite's statement that writes one row fails at once, before the row is written.
    if (haltAtOnce && !fk.deferred && !state.deferAll) throw foreignKeyViolation();
    state.count(fk, incr);
  }

  /** Whether `row` has a child key with no NULL and no parent row (PRAGMA foreign_key_check). */
  orphan(bt: Btree, row: RowImage): boolean {
    for (const c of this.fk.columns) if (row.types[c] === ValueType.Null) return false;
    return !this.parent || !this.key || !this.found(bt, this.parent, this.key, row, null);
  }

  /** Whether a row of a self-referencing table refers to its own parent key (compared as stored). */
  private matchesItself(row: RowImage): boolean {
    const key = this.key!;
    const table = this.child;
    if (!key.index) {
      const c = key.childColumns[0]!;
      const id = applyAffinity(Affinity.Numeric, row.types[c] as ValueType, row.values[c]!);
      return convertedType === ValueType.Integer && compareValues(ValueType.Integer, id, ValueType.Integer, row.rowid) === 0;
    }
    for (let i = 0; i < key.childColumns.length; i++) {
      const c = key.childColumns[i]!;
      const t = keyValue(table, row, key.parentColumns[i]!);
      if (compareValues(row.types[c] as ValueType, row.values[c]!, t, scratchValue) !== 0) return false;
    }
    return true;
  }

  private found(bt: Btree, parent: TableInfo, key: ParentKey, row: RowImage, exclude: Int64 | null): boolean {
    const tree = treeOf(bt, parent);
    if (!key.index) {
      const c = key.childColumns[0]!;
      const id = applyAffinity(Affinity.Numeric, row.types[c] as ValueType, row.values[c]!);
      if (convertedType !== ValueType.Integer) return false;
      if (exclude !== null && compareValues(ValueType.Integer, id, ValueType.Integer, exclude) === 0) return false;
      const cursor = tree.cursor(parent.root);
      try {
        return cursor.seekRowid(id as Int64) === 0;
      } finally {
        cursor.close();
      }
    }
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const c = key.childColumns[i]!;
      values[i] = applyAffinity(this.affinities[i]!, row.types[c] as ValueType, row.values[c]!);
    }
    const probe = this.probe.fromValues(values);
    const cursor = tree.cursor(key.index.root, this.keyInfo);
    try {
      if (!cursor.seekGE(probe)) return false;
      const payload = cursor.payload();
      if (compareKeyToRecord(probe, payload, 0, payload.length, this.keyInfo!) !== 0) return false;
      if (exclude === null) return true;
      this.reader.init(payload, 0, payload.length);
      return compareValues(ValueType.Integer, this.reader.getInt(this.reader.count - 1), ValueType.Integer, exclude) !== 0;
    } finally {
      cursor.close();
    }
  }
}

/** The child rows that refer to a parent row's key, counted. */
class ChildScan {
  private readonly affinities: Affinity[];
  private readonly collations: Collation[];
  private readonly childAffinities: Affinity[];
  /** A child index whose leading columns are the child key, usable for `parent = child`; else null. */
  private readonly index: IndexInfo | null = null;
  /** Per index column of `index`'s leading ones: the key column it holds. */
  private readonly indexOrder: number[] = [];
  private readonly keyInfo: KeyInfo | null = null;
  private readonly probe = new UnpackedKey();
  private readonly probeValues: SqlValue[];
  private readonly parentTypes: Uint8Array;
  private readonly parentValues: SqlValue[];
  private readonly childRow: RowImage;
  private readonly reader = new RecordReader();
  /** Whether the child table is the parent table itself. */
  readonly self: boolean;

  constructor(
    readonly fk: ForeignKeyInfo,
    private readonly parent: TableInfo,
    private readonly child: TableInfo,
    private readonly key: ParentKey,
  ) {
    this.self = parent === child;
    const n = key.childColumns.length;
    this.affinities = key.parentColumns.map((c) => (c < 0 || c === parent.rowidAlias ? Affinity.Integer : parent.columns[c]!.affinity));
    this.collations = key.parentColumns.map((c) => (c < 0 || c === parent.rowidAlias ? BINARY : parent.columns[c]!.collation));
    this.childAffinities = key.childColumns.map((c) => child.columns[c]!.affinity);
    this.probeValues = new Array<SqlValue>(n).fill(null);
    this.parentTypes = new Uint8Array(n);
    this.parentValues = new Array<SqlValue>(n).fill(null);
    this.childRow = new RowImage(child.columns.length);
    for (const index of child.indexes) {
      if (index.partial || index.columns.length < n) continue;
      const order: number[] = [];
      for (let j = 0; j < n; j++) {
        const column = index.columns[j]!;
        const i = key.childColumns.indexOf(column.column);
        if (i < 0 || order.includes(i) || column.collation !== this.collations[i]) break;
        // As SQLite's planner: a numeric comparison can use only an index of a numeric column.
        const numeric = this.affinities[i]! >= Affinity.Numeric || this.childAffinities[i]! >= Affinity.Numeric;
        if (numeric && this.childAffinities[i]! < Affinity.Numeric) break;
        order.push(i);
      }
      if (order.length !== n) continue;
      this.index = index;
      this.indexOrder = order;
      this.keyInfo = indexKeyInfo(index);
      break;
    }
  }

  /** How many rows of the child table (other than row `exclude`) refer to the key of `row`. */
  count(bt: Btree, row: RowImage, exclude: Int64 | null): number {
    const key = this.key;
    const n = key.childColumns.length;
    for (let i = 0; i < n; i++) {
      const t = keyValue(this.parent, row, key.parentColumns[i]!);
      if (t === ValueType.Null) return 0;
      this.parentTypes[i] = t;
      this.parentValues[i] = scratchValue;
    }
    const tree = treeOf(bt, this.child);
    const table = tree.cursor(this.child.root);
    try {
      return this.index ? this.seekChildren(tree, table, exclude) : this.scanChildren(table, exclude);
    } finally {
      table.close();
    }
  }

  private scanChildren(table: BtCursor, exclude: Int64 | null): number {
    let found = 0;
    for (let ok = table.first(); ok; ok = table.next()) {
      const rowid = table.rowid();
      if (exclude !== null && rowid === exclude) continue;
      if (this.refers(table, rowid)) found++;
    }
    return found;
  }

  private seekChildren(tree: Btree, table: BtCursor, exclude: Int64 | null): number {
    const index = this.index!;
    const n = this.indexOrder.length;
    for (let j = 0; j < n; j++) {
      const i = this.indexOrder[j]!;
      const numeric = this.affinities[i]! >= Affinity.Numeric || this.childAffinities[i]! >= Affinity.Numeric;
      const t = this.parentTypes[i] as ValueType;
      this.probeValues[j] = numeric ? applyAffinity(this.childAffinities[i]!, t, this.parentValues[i]!) : this.parentValues[i]!;
    }
    const probe = this.probe.fromValues(this.probeValues);
    const cursor = tree.cursor(index.root, this.keyInfo);
    const reader = this.reader;
    let found = 0;
    try {
      for (let ok = cursor.seekGE(probe); ok; ok = cursor.next()) {
        const payload = cursor.payload();
        if (compareKeyToRecord(probe, payload, 0, payload.length, this.keyInfo!) !== 0) break;
        reader.init(payload, 0, payload.length);
        const rowid = reader.getInt(reader.count - 1);
        if (exclude !== null && rowid === exclude) continue;
        if (table.seekRowid(rowid) === 0 && this.refers(table, rowid)) found++;
      }
    } finally {
      cursor.close();
    }
    return found;
  }

  /** Whether the child row under `table` refers to the parent key held in `parentValues`. */
  private refers(table: BtCursor, rowid: Int64): boolean {
    const payload = table.payload();
    this.reader.init(payload, 0, payload.length);
    const row = this.childRow;
    row.load(this.child, rowid, this.reader);
    const columns = this.key.childColumns;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      const order = compareWithAffinity(
        this.affinities[i]!,
        this.parentTypes[i] as ValueType,
        this.parentValues[i]!,
        this.childAffinities[i]!,
        row.types[c] as ValueType,
        row.values[c]!,
        this.collations[i]!,
      );
      if (order !== 0) return false;
    }
    return true;
  }
}

/** What a statement's rows check, compiled for one table and event. */
export class RowForeignKeys implements WriteCheck {
  /** The running execution's B-tree and effects: set when it starts. */
  bt: Btree | null = null;
  effects: Effects | null = null;

  constructor(
    private readonly state: ForeignKeyState,
    private readonly parents: ParentLookup[],
    private readonly children: ChildScan[],
    private readonly actions: ForeignKeyActions | null,
    /** Whether a missing parent fails the statement at once (an INSERT of one row). */
    private readonly haltAtOnce: boolean,
  ) {}

  /** Starts an execution. */
  start(bt: Btree, effects: Effects): void {
    this.bt = bt;
    this.effects = effects;
  }

  /** Before `old` leaves the table: it is still there. */
  removing(old: RowImage): void {
    const bt = this.bt!;
    const state = this.state;
    for (const scan of this.children) {
      // A row that refers to its own key does not hold itself back.
      const n = scan.count(bt, old, scan.self ? old.rowid : null);
      if (n > 0) state.count(scan.fk, n);
    }
    for (const lookup of this.parents) lookup.check(state, bt, old, -1, null);
  }

  /** Before `row` enters the table, `old` (an UPDATE's old version, still there) counting as gone. */
  adding(row: RowImage, old: RowImage | null): void {
    const bt = this.bt!;
    const state = this.state;
    const exclude = old ? old.rowid : null;
    for (const lookup of this.parents) lookup.check(state, bt, row, 1, exclude, this.haltAtOnce);
    for (const scan of this.children) {
      if (state.nothingOutstanding(scan.fk)) continue;
      const n = scan.count(bt, row, scan.self ? exclude : null);
      if (n > 0) state.count(scan.fk, -n);
    }
  }

  /** TableWriter's hook: an UPDATE removes the old version and adds the new one; an INSERT adds. */
  beforeWrite(row: RowImage, old: RowImage | null): void {
    if (old) this.removing(old);
    this.adding(row, old);
  }

  /** After the write: the actions of the foreign keys whose parent key the row had. */
  act(old: RowImage, row: RowImage | null): void {
    this.actions?.fire(old, row, this.bt!, this.effects!, this.state);
  }
}

/** How a statement writes its table, for choosing what to check. */
export interface WriteShape {
  /** UPDATE: the columns set (ROWID_TARGET, -1, for the rowid). */
  targets?: readonly number[];
  /** INSERT of one row by a top-level statement that fires no trigger and deletes nothing: SQLite checks no parent side then. */
  singleRow?: boolean;
  /** DROP TABLE's implicit DELETE: a missing parent table or parent key is no error. */
  ignoreErrors?: boolean;
}

/**
 * What rows written to `table` by an `event` statement check, compiled; null when foreign keys are off
 * or none concerns them. Throws SQLite's errors for a missing parent table or parent key.
 */
export function rowForeignKeys(env: CompileEnv, table: TableInfo, event: 'INSERT' | 'UPDATE' | 'DELETE', shape: WriteShape = {}): RowForeignKeys | null {
  const state = env.foreignKeys;
  if (!state?.enabled) return null;
  const catalog = env.catalog;
  const schema = table.temp ? 'temp' : 'main';
  const targets = shape.targets;
  const set = (column: number): boolean => !!targets && (targets.includes(column) || (column === table.rowidAlias && targets.includes(-1)));
  const parents: ParentLookup[] = [];
  for (const fk of table.foreignKeys) {
    const self = fk.parent.toLowerCase() === table.name.toLowerCase();
    if (event === 'UPDATE' && !self && !fk.columns.some(set)) continue;
    const parent = catalog.table(fk.parent, schema) ?? null;
    if (!parent) {
      if (shape.ignoreErrors) parents.push(new ParentLookup(fk, table, null, null));
      else throw new SqliteError('SQLITE_ERROR', `no such table: ${schema}.${fk.parent}`);
      continue;
    }
    const key = resolveParentKey(parent, fk);
    if (!key) {
      if (shape.ignoreErrors) continue;
      throw mismatch(fk);
    }
    parents.push(new ParentLookup(fk, table, parent, key));
  }
  const children: ChildScan[] = [];
  const referring: ForeignKeyInfo[] = [];
  for (const fk of catalog.referencing(table)) {
    if (event === 'UPDATE' && !parentKeyModified(table, fk, set)) continue;
    if (shape.singleRow && !fk.deferred && !state.deferAll) continue;
    const child = catalog.table(fk.table, schema);
    const key = child && resolveParentKey(table, fk);
    if (!child || !key) {
      if (shape.ignoreErrors) continue;
      throw mismatch(fk);
    }
    children.push(new ChildScan(fk, table, child, key));
    referring.push(fk);
  }
  const actions = event === 'INSERT' ? null : foreignKeyActions(env, table, event, referring);
  if (parents.length + children.length === 0 && !actions) return null;
  return new RowForeignKeys(state, parents, children, actions, shape.singleRow === true);
}

/** SQLite's fkParentIsModified: whether an UPDATE sets a column of `fk`'s parent key. */
function parentKeyModified(table: TableInfo, fk: ForeignKeyInfo, set: (column: number) => boolean): boolean {
  const named = fk.parentColumns?.map((n) => n.toLowerCase());
  const primary = new Set<number>(table.rowidAlias >= 0 ? [table.rowidAlias] : table.indexes.find((ix) => ix.origin === 'pk')?.columns.map((c) => c.column) ?? []);
  return table.columns.some((column, i) => set(i) && (named ? named.includes(column.name.toLowerCase()) : primary.has(i)));
}

/** Whether a statement writing `table` under conflict clause `or` may delete rows to resolve conflicts. */
export function mayReplace(table: TableInfo, or: ConflictResolution | null): boolean {
  if (or !== null) return or === 'REPLACE';
  return table.rowidConflict === 'REPLACE' || table.indexes.some((index) => index.onConflict === 'REPLACE');
}

/**
 * The REPLACE hook of a statement whose conflicts may delete rows of a table with foreign keys: each
 * deleted row is checked and acted on as a DELETE's, around the DELETE triggers `triggers` fires.
 */
export function replaceWithForeignKeys(triggers: ReplaceHook | null, keys: RowForeignKeys | null): ReplaceHook | null {
  if (!keys) return triggers;
  return {
    active: true,
    before(victim: RowImage): void {
      if (triggers?.active) triggers.before(victim);
    },
    deleting(victim: RowImage): void {
      keys.removing(victim);
    },
    after(victim: RowImage): void {
      keys.act(victim, null);
      if (triggers?.active) triggers.after(victim);
    },
  };
}

/**
 * DROP TABLE's implicit DELETE of every row, run before the table goes when foreign keys are on and
 * the table is a parent (or a child of deferred constraints with violations outstanding): the rows'
 * foreign keys are checked and acted on as a DELETE's, without the table's triggers and ignoring
 * missing parent tables and keys. Immediate violations left fail the DROP. Null when there is nothing
 * to do.
 */
export function dropTableDelete(env: CompileEnv, table: TableInfo): ((bt: Btree, effects: Effects) => void) | null {
  const state = env.foreignKeys;
  if (!state?.enabled) return null;
  const referenced = env.catalog.referencing(table).length > 0;
  if (!referenced && !state.deferAll && !table.foreignKeys.some((fk) => fk.deferred)) return null;
  const keys = rowForeignKeys(env, table, 'DELETE', { ignoreErrors: true });
  if (!keys && !referenced) return null;
  const writer = new TableWriter(table, { bindings: env.bindings, functions: env.functions });
  return (bt, effects) => {
    // Only a parent's rows, or a child's with deferred violations outstanding, matter.
    if (!referenced && state.deferred === 0 && state.deferredImmediate === 0) return;
    keys?.start(bt, effects);
    const rowids: Int64[] = [];
    const cursor = treeOf(bt, table).cursor(table.root);
    try {
      for (let ok = cursor.first(); ok; ok = cursor.next()) rowids.push(cursor.rowid());
    } finally {
      cursor.close();
    }
    const row = new RowImage(table.columns.length);
    writer.open(bt);
    try {
      for (const rowid of rowids) {
        if (!writer.read(rowid, row)) continue;
        keys?.removing(row);
        writer.delete(row);
        effects.changes++;
        keys?.act(row, null);
      }
    } finally {
      writer.close();
    }
    if (!state.deferAll && state.statement > 0) throw foreignKeyViolation();
  };
}
