/**
 * Writing rows of one rowid table with everything that comes with it: NOT NULL, the types of a
 * STRICT table, CHECK constraints, the uniqueness of the rowid and of every UNIQUE index, conflict
 * resolution (ABORT, FAIL, ROLLBACK, IGNORE, REPLACE, and upsert clauses), and keeping every index in
 * step with the table.
 *
 * An index entry is the record of the index's columns, each as the row stores it (an expression
 * column with the expression's affinity applied), followed by the rowid — byte for byte what SQLite
 * writes. Constraints are checked in SQLite's order: NOT NULL column by column, CHECK constraints,
 * the rowid, then the UNIQUE indexes, the most recently created first and those resolved by REPLACE
 * last (so an IGNORE never comes after a REPLACE has deleted rows). A violation resolved by ABORT,
 * FAIL or ROLLBACK throws; undoing what the statement already wrote is the caller's (the statement's
 * savepoint, or the autocommit transaction).
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import { SqliteError, type SqliteErrorCode, corrupt } from '../common/errors.js';
import { BINARY, type KeyInfo, UnpackedKey } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { RecordReader, RecordWriter } from '../record/record.js';
import { RecordSorter } from '../record/sorter.js';
import { ValueType } from '../record/value.js';
import type { ConflictResolution } from '../sql/ast.js';
import { type IndexInfo, IndexSource, type TableInfo } from '../plan/catalog.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { type CompileContext, type Evaluator, compileExpr, evalType, truth } from './expr.js';
import { RowImage, RowScope, UNLOADED } from './rowscope.js';
import { treeOf } from './schemas.js';
import { StrictTypes } from './strict.js';

/**
 * A constraint violation, with the conflict resolution it was raised under: the caller keeps what the
 * statement wrote before it under FAIL, undoes the statement under ABORT, and the whole transaction
 * under ROLLBACK.
 */
export class ConstraintError extends SqliteError {
  constructor(
    code: SqliteErrorCode,
    message: string,
    readonly resolution: 'ABORT' | 'FAIL' | 'ROLLBACK',
  ) {
    super(code, message);
  }
}

/** The resolution a violation raises under: IGNORE and REPLACE are handled before, or fall back to ABORT. */
function raised(resolution: ConflictResolution): 'ABORT' | 'FAIL' | 'ROLLBACK' {
  return resolution === 'FAIL' || resolution === 'ROLLBACK' ? resolution : 'ABORT';
}

/** Bindings and functions, for the expressions of a table's schema. */
export type WriteContext = Omit<CompileContext, 'scope'>;

/** `cx` for expressions that must be deterministic; `where` is how SQLite's error names the place. */
function pureContext(cx: WriteContext, where: string): WriteContext {
  return { ...cx, functions: { ...cx.functions, pureContext: where } };
}

const INT64_MAX = 9223372036854775807n;

/** Bytes of index entries `deleteDeferred` collects before removing them. */
const REMOVAL_BATCH_BYTES = 16 * 1024 * 1024;

/** The uniqueness check of the rowid, beside those of the indexes (numbered from 0). */
const ROWID_CHECK = -1;

/** One index of the table: builds its keys from a row image and keeps its B-tree in step. */
export class IndexWriter {
  readonly keyInfo: KeyInfo;
  private cursor: BtCursor | null = null;
  /** Per column: the evaluator of an expression column, else null. */
  private readonly expressions: (Evaluator | null)[];
  private readonly affinities: Affinity[];
  private readonly partial: Evaluator | null;
  private readonly writer = new RecordWriter();
  private readonly probe = new UnpackedKey();
  private readonly reader = new RecordReader();
  /** Where `removeEntryOf` builds a key, reused from row to row. */
  private keyBuf = new Uint8Array(64);

  constructor(
    readonly info: IndexInfo,
    private readonly table: TableInfo,
    private readonly scope: RowScope,
    cx: WriteContext,
  ) {
    const n = info.columns.length;
    const desc = new Uint8Array(n + 1);
    info.columns.forEach((c, i) => (desc[i] = c.desc ? 1 : 0));
    this.keyInfo = { nField: n + 1, desc, collations: [...info.columns.map((c) => c.collation), BINARY] };
    const ecx: CompileContext = { ...pureContext(cx, 'an index'), scope };
    const compiled = info.columns.map((c) => (c.expr ? compileExpr(c.expr, ecx) : null));
    this.expressions = compiled.map((c) => c?.fn ?? null);
    this.affinities = compiled.map((c) => c?.affinity ?? Affinity.None);
    this.partial = info.partial ? compileExpr(info.partial, ecx).fn : null;
  }

  open(bt: Btree): void {
    this.cursor = treeOf(bt, this.info).cursor(this.info.root, this.keyInfo);
  }

  close(): void {
    this.cursor?.close();
    this.cursor = null;
  }

  /** The index entry of `row`, or null when a partial index leaves the row out. */
  key(row: RowImage): Uint8Array | null {
    return this.buildKey(row) ? this.writer.toBytes() : null;
  }

  /** The entry `buildKey` built last, until the next call. */
  get entry(): RecordWriter {
    return this.writer;
  }

  /** Builds the index entry of `row` into `entry`; false when a partial index leaves the row out. */
  buildKey(row: RowImage): boolean {
    this.scope.row = row;
    if (this.partial && truth(this.partial) !== true) return false;
    const w = this.writer;
    w.reset();
    const columns = this.info.columns;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!.column;
      if (c >= 0) w.pushTyped(row.types[c] as ValueType, row.values[c]!);
      else if (c === IndexSource.Rowid) w.pushInt(row.rowid);
      else {
        const value = this.expressions[i]!();
        const v = applyAffinity(this.affinities[i]!, evalType, value);
        w.pushTyped(convertedType, v);
      }
    }
    w.pushInt(row.rowid);
    return true;
  }

  /** Whether `buildKeyFromRecord` applies: every column is a table column and no WHERE clause filters rows. */
  get direct(): boolean {
    return this.partial === null && this.expressions.every((e) => e === null);
  }

  /**
   * Builds into `entry` the index entry of row `rowid` whose table record `reader` holds, reading each
   * column as `RowImage.load` would (a missing column as its default, an INTEGER in a REAL column as a
   * REAL) but TEXT and BLOB as bytes of the record, without decoding. Only for a `direct` index.
   */
  buildKeyFromRecord(rowid: Int64, reader: RecordReader): void {
    const w = this.writer;
    w.reset();
    const table = this.table;
    const columns = this.info.columns;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!.column;
      if (c === IndexSource.Rowid || c === table.rowidAlias) {
        w.pushInt(rowid);
        continue;
      }
      if (c >= reader.count) {
        const missing = table.columns[c]!.missingValue;
        if (missing) w.pushTyped(missing.type, missing.value);
        else w.pushNull();
        continue;
      }
      const t = reader.type(c);
      if (t === ValueType.Text) w.pushText(reader.getTextBytes(c));
      else if (t === ValueType.Blob) w.pushBlob(reader.getTextBytes(c));
      else if (t === ValueType.Real || (t === ValueType.Integer && table.columns[c]!.affinity === Affinity.Real)) w.pushReal(reader.getReal(c));
      else if (t === ValueType.Integer) w.pushInt(reader.getInt(c));
      else w.pushNull();
    }
    w.pushInt(rowid);
  }

  /** The rowid of the row whose entry has the same key columns as `key` (none NULL), else null. */
  conflict(key: Uint8Array): Int64 | null {
    const n = this.info.columns.length;
    const reader = this.reader;
    reader.init(key, 0, key.length);
    for (let i = 0; i < n; i++) if (reader.type(i) === ValueType.Null) return null;
    const probe = this.probe.fromRecord(key, 0, key.length);
    probe.nField = n;
    const cursor = this.cursor!;
    if (!cursor.seekGE(probe) || cursor.compareKey(probe) !== 0) return null;
    cursor.readRecord(reader);
    return reader.getInt(reader.count - 1);
  }

  insert(key: Uint8Array): void {
    this.cursor!.insertKey(key);
  }

  /** Removes the entry `key[start, start + size)`, which must be present. */
  remove(key: Uint8Array, start = 0, size = key.length): void {
    const cursor = this.cursor!;
    if (cursor.seek(this.probe.fromRecord(key, start, size), 0) !== 0) throw this.missingEntry(key, start, size);
    cursor.delete();
  }

  /** Removes `entries`, sorted in the index's key order, each of which the index must hold. */
  removeSorted(entries: RecordSorter): void {
    const missing = this.cursor!.deleteEntries(entries, this.probe);
    if (missing >= 0) throw this.missingEntry(entries.buffer, entries.start(missing), entries.length(missing));
  }

  /** Removes the entry of `row` (as `key` builds it), if the index holds the row; allocates nothing. */
  removeEntryOf(row: RowImage): void {
    if (!this.buildKey(row)) return;
    const size = this.writer.size();
    if (this.keyBuf.length < size) this.keyBuf = new Uint8Array(Math.max(size, 2 * this.keyBuf.length));
    this.writer.writeTo(this.keyBuf, 0);
    this.remove(this.keyBuf, 0, size);
  }

  /** The corruption of an index that lacks entry `key[start, start + size)`. */
  private missingEntry(key: Uint8Array, start: number, size: number): SqliteError {
    const reader = this.reader;
    reader.init(key, start, size);
    return corrupt(`index ${this.info.name} has no entry for row ${reader.getInt(reader.count - 1)} of ${this.table.name}`);
  }

  /** A UNIQUE violation, reporting the columns as `table.column`, or the index's name. */
  violation(resolution: ConflictResolution): ConstraintError {
    const table = this.table;
    const columns = this.info.columns;
    const what = columns.some((c) => c.column === IndexSource.Expression)
      ? `index '${this.info.name}'`
      : columns.map((c) => `${table.name}.${c.column === IndexSource.Rowid ? 'rowid' : table.columns[c.column]!.name}`).join(', ');
    const code = this.info.origin === 'pk' ? 'SQLITE_CONSTRAINT_PRIMARYKEY' : 'SQLITE_CONSTRAINT_UNIQUE';
    return new ConstraintError(code, `UNIQUE constraint failed: ${what}`, raised(resolution));
  }
}

/**
 * What happens around a row that REPLACE deletes, when the table has DELETE triggers (trigger.ts): they
 * fire only while `active` (recursive_triggers on), `before` and `after` the deletion.
 */
export interface ReplaceHook {
  readonly active: boolean;
  before(victim: RowImage): void;
  /** Right before the deletion, once the BEFORE triggers ran (foreign key checks). */
  deleting?(victim: RowImage): void;
  after(victim: RowImage): void;
}

/**
 * Checks made when a row has passed its constraints, before anything of it is written (foreign keys,
 * foreign-keys.ts): `old` is the version an UPDATE replaces, null for an INSERT.
 */
export interface WriteCheck {
  beforeWrite(row: RowImage, old: RowImage | null): void;
}

/** Writes rows of one table, maintaining its indexes and enforcing its constraints. */
export class TableWriter {
  /** Resolves the table's columns to the row being checked. */
  readonly scope: RowScope;
  /** The indexes, in the order their uniqueness is checked. */
  readonly indexes: IndexWriter[];
  private readonly checks: { name: string; fn: Evaluator }[];
  private readonly defaults: (Evaluator | null)[];
  private cursor: BtCursor | null = null;
  private readonly record = new RecordWriter();
  /** The record of the row being written (its first bytes), reused from row to row. */
  private recordBuf = new Uint8Array(256);
  private readonly reader = new RecordReader();
  /** A row deleted to resolve a conflict by REPLACE. */
  private readonly victim: RowImage;
  private readonly keys: (Uint8Array | null)[];
  /** Fires DELETE triggers for rows REPLACE deletes; null when the table has none. */
  replaceHook: ReplaceHook | null = null;
  private readonly strict: StrictTypes | null;
  /** The uniqueness checks in the order they run: ROWID_CHECK, or a position in `indexes`. */
  private checkOrder: number[];
  /** Per check (ROWID_CHECK + 1, else position + 1): the upsert clause that takes its conflicts, or -1. */
  private readonly upsertOf: number[];
  /** After `write` returned false for an upsert: the clause that took the conflict, else -1. */
  upsertClause = -1;
  /** …and the rowid of the row the new one conflicted with. */
  upsertRowid: Int64 = 0;
  /** Per index, the entries `deleteDeferred` collected for `flushRemovals` (made on first use). */
  private removals: RecordSorter[] | null = null;
  /** Foreign key checks of each row written; null when none applies. */
  writeCheck: WriteCheck | null = null;
  /**
   * Per index (position in `indexes`), 1 when writing a new version of a row cannot change its entry
   * there (an UPDATE that assigns none of the index's columns): the entry is neither checked nor moved.
   */
  unchangedIndexes: Uint8Array | null = null;

  constructor(
    readonly table: TableInfo,
    cx: WriteContext,
  ) {
    this.scope = new RowScope(table);
    const order = [...table.indexes].reverse();
    order.sort((a, b) => Number(a.onConflict === 'REPLACE') - Number(b.onConflict === 'REPLACE'));
    this.indexes = order.map((info) => new IndexWriter(info, table, this.scope, cx));
    const ecx: CompileContext = { ...pureContext(cx, 'a CHECK constraint'), scope: this.scope };
    this.checks = table.checks.map((c) => ({ name: c.name, fn: compileExpr(c.expr, ecx).fn }));
    const constant: CompileContext = { ...cx, scope: null };
    this.defaults = table.columns.map((c) => (c.defaultValue ? compileExpr(c.defaultValue, constant).fn : null));
    this.victim = new RowImage(table.columns.length);
    this.keys = new Array<Uint8Array | null>(this.indexes.length).fill(null);
    this.strict = table.strict ? new StrictTypes(table) : null;
    this.checkOrder = [ROWID_CHECK, ...this.indexes.map((_, k) => k)];
    this.upsertOf = new Array<number>(this.indexes.length + 1).fill(-1);
  }

  /**
   * Hands uniqueness conflicts to upsert clauses: `targets[n]` is what clause n's conflict target
   * matched (an index of the table, `'rowid'` for the INTEGER PRIMARY KEY, null for no target). A
   * constraint goes to the first clause that names it or has no target. As in SQLite, the indexes the
   * clauses name are checked first, in the clauses' order; the rowid is checked where the clauses
   * reach one naming it, one without a target, or their end; the other indexes follow as usual.
   */
  setUpsert(targets: (IndexInfo | 'rowid' | null)[]): void {
    const all = [ROWID_CHECK, ...this.indexes.map((_, k) => k)];
    const idOf = (target: IndexInfo | 'rowid' | null): number | null =>
      target === null ? null : target === 'rowid' ? ROWID_CHECK : this.indexes.findIndex((w) => w.info === target);
    this.upsertOf.fill(-1);
    targets.forEach((target, clause) => {
      const id = idOf(target);
      for (const taken of id === null ? all : [id]) if (this.upsertOf[taken + 1] === -1) this.upsertOf[taken + 1] = clause;
    });
    const order: number[] = [];
    const add = (id: number): void => {
      if (!order.includes(id)) order.push(id);
    };
    for (const target of targets) {
      const id = idOf(target);
      if (id === null || id === ROWID_CHECK) break;
      add(id);
    }
    add(ROWID_CHECK);
    for (const target of targets) {
      const id = idOf(target);
      if (id !== null) add(id);
    }
    for (const id of all) add(id);
    this.checkOrder = order;
  }

  open(bt: Btree): void {
    this.cursor = treeOf(bt, this.table).cursor(this.table.root);
    for (const index of this.indexes) index.open(bt);
  }

  close(): void {
    this.cursor?.close();
    this.cursor = null;
    for (const index of this.indexes) index.close();
    for (const removal of this.removals ?? []) removal.clear();
  }

  /**
   * Loads row `rowid` into `image` (only the columns `wanted` marks, when given); false when there is
   * no such row.
   */
  read(rowid: Int64, image: RowImage, wanted: ArrayLike<number> | null = null): boolean {
    const cursor = this.cursor!;
    if (cursor.seekRowid(rowid) !== 0) return false;
    cursor.readRecord(this.reader);
    image.load(this.table, rowid, this.reader, wanted);
    return true;
  }

  /** The value column `i` takes when none is given: its DEFAULT, with the column's affinity applied. */
  defaultValue(i: number, image: RowImage): void {
    const fn = this.defaults[i];
    const v = fn ? fn() : null;
    image.values[i] = applyAffinity(this.table.columns[i]!.affinity, fn ? evalType : ValueType.Null, v);
    image.types[i] = convertedType;
  }

  /** The rowid SQLite picks for a new row: one more than the largest, 1 in an empty table. */
  nextRowid(): Int64 {
    const cursor = this.cursor!;
    if (!cursor.last()) return 1;
    const max = cursor.rowid();
    if (typeof max === 'number' && max < Number.MAX_SAFE_INTEGER) return max + 1;
    const next = BigInt(max) + 1n;
    // SQLite then tries random rowids; Hearth does not yet.
    if (next > INT64_MAX) throw new SqliteError('SQLITE_FULL', 'database or disk is full');
    return next;
  }

  /**
   * Writes `row`: a new row when `old` is null, else the new version of `old`. `or` is the statement's
   * conflict clause (it overrides the constraints' own). Returns false when a violation resolved by
   * IGNORE dropped the row, or when an upsert clause took a uniqueness conflict (`upsertClause`).
   */
  write(row: RowImage, old: RowImage | null, or: ConflictResolution | null): boolean {
    this.upsertClause = -1;
    const table = this.table;
    const columns = table.columns;
    for (let i = 0; i < columns.length; i++) {
      if (i === table.rowidAlias || !columns[i]!.notNull || row.types[i] !== ValueType.Null) continue;
      const resolution = or ?? columns[i]!.notNullConflict ?? 'ABORT';
      if (resolution === 'IGNORE') return false;
      if (resolution === 'REPLACE' && this.defaults[i]) this.defaultValue(i, row);
      if (row.types[i] === ValueType.Null) {
        throw new ConstraintError('SQLITE_CONSTRAINT_NOTNULL', `NOT NULL constraint failed: ${table.name}.${columns[i]!.name}`, raised(resolution));
      }
    }
    this.strict?.check(row);
    if (this.checks.length > 0) {
      this.scope.row = row;
      for (const check of this.checks) {
        if (truth(check.fn) !== false) continue;
        const resolution = or ?? 'ABORT';
        if (resolution === 'IGNORE') return false;
        throw new ConstraintError('SQLITE_CONSTRAINT_CHECK', `CHECK constraint failed: ${check.name}`, raised(resolution));
      }
    }
    // Encoded before any tree changes: UNLOADED columns are copied from the old record, on its page.
    const size = this.encode(row);
    const cursor = this.cursor!;
    const indexes = this.indexes;
    const keys = this.keys;
    const unchanged = old ? this.unchangedIndexes : null;
    for (let k = 0; k < indexes.length; k++) keys[k] = unchanged !== null && unchanged[k] === 1 ? null : indexes[k]!.key(row);
    const self = old ? old.rowid : null;
    for (const c of this.checkOrder) {
      let other: Int64 | null = null;
      let resolution: ConflictResolution;
      if (c === ROWID_CHECK) {
        if ((old === null || old.rowid !== row.rowid) && cursor.seekRowid(row.rowid) === 0) other = row.rowid;
        resolution = or ?? table.rowidConflict ?? 'ABORT';
      } else {
        const index = indexes[c]!;
        if (index.info.unique && keys[c] !== null) other = index.conflict(keys[c]!);
        if (other === self) other = null;
        resolution = or ?? index.info.onConflict ?? 'ABORT';
      }
      if (other === null) continue;
      const clause = old === null ? this.upsertOf[c + 1]! : -1;
      if (clause >= 0) {
        this.upsertClause = clause;
        this.upsertRowid = other;
        return false;
      }
      if (resolution === 'IGNORE') return false;
      if (resolution !== 'REPLACE') {
        if (c !== ROWID_CHECK) throw indexes[c]!.violation(resolution);
        const name = table.rowidAlias >= 0 ? columns[table.rowidAlias]!.name : 'rowid';
        throw new ConstraintError('SQLITE_CONSTRAINT_PRIMARYKEY', `UNIQUE constraint failed: ${table.name}.${name}`, raised(resolution));
      }
      this.deleteConflicting(other);
    }
    this.writeCheck?.beforeWrite(row, old);
    if (old) {
      for (let k = 0; k < indexes.length; k++) {
        if (unchanged !== null && unchanged[k] === 1) continue;
        const index = indexes[k]!;
        const before = index.key(old);
        const after = keys[k]!;
        if (before !== null && after !== null && sameBytes(before, after)) continue;
        if (before !== null) index.remove(before);
        if (after !== null) index.insert(after);
      }
      if (old.rowid !== row.rowid && cursor.seekRowid(old.rowid) === 0) cursor.delete();
    } else {
      for (let k = 0; k < indexes.length; k++) if (keys[k]) indexes[k]!.insert(keys[k]!);
    }
    cursor.insert(row.rowid, this.recordBuf, size);
    return true;
  }

  /**
   * The columns `write` and `delete` read of a row, beside those an UPDATE assigns: those of the indexes
   * they keep in step (all but `unchangedIndexes`) and those CHECK constraints, expression index columns
   * and partial indexes' WHERE clauses read. For `read`, when nothing else looks at the row.
   */
  columnsRead(): Uint8Array {
    const wanted = this.scope.referenced.slice();
    this.indexes.forEach((index, k) => {
      if (this.unchangedIndexes?.[k] === 1) return;
      for (const c of index.info.columns) if (c.column >= 0) wanted[c.column] = 1;
    });
    return wanted;
  }

  /**
   * Deletes `row` (as loaded by `read`) and its index entries. `next`: the rowid the caller deletes
   * next, when nothing else reads the table in between (see `BtCursor.delete`).
   */
  delete(row: RowImage, next: Int64 | null = null): void {
    for (const index of this.indexes) index.removeEntryOf(row);
    this.deleteRow(row, next);
  }

  /**
   * Deletes `row` as `delete` does, except that its index entries are collected, not removed: the
   * caller removes them with `flushRemovals`, and nothing may read the indexes in between. Removed
   * together in key order, entries that share an index leaf are found from the entry before them, not
   * each by a search from the root (a DELETE of many rows).
   */
  deleteDeferred(row: RowImage, next: Int64 | null): void {
    const indexes = this.indexes;
    const removals = (this.removals ??= indexes.map(() => new RecordSorter()));
    let bytes = 0;
    for (let k = 0; k < indexes.length; k++) {
      if (indexes[k]!.buildKey(row)) removals[k]!.push(indexes[k]!.entry);
      bytes += removals[k]!.byteLength;
    }
    this.deleteRow(row, next);
    if (bytes >= REMOVAL_BATCH_BYTES) this.flushRemovals();
  }

  /** Removes the index entries `deleteDeferred` collected, each index's in key order. */
  flushRemovals(): void {
    const removals = this.removals;
    if (removals === null) return;
    for (let k = 0; k < removals.length; k++) {
      const entries = removals[k]!;
      if (entries.count === 0) continue;
      const index = this.indexes[k]!;
      entries.sort(index.keyInfo);
      index.removeSorted(entries);
      entries.clear();
    }
  }

  /** Deletes the table's record of `row`, leaving its index entries to the caller. */
  private deleteRow(row: RowImage, next: Int64 | null): void {
    const cursor = this.cursor!;
    // `read` usually left the cursor on the row (index changes do not move it).
    const onRow = cursor.valid && cursor.rowid() === row.rowid;
    if (!onRow && cursor.seekRowid(row.rowid) !== 0) throw corrupt(`row ${row.rowid} of ${this.table.name} vanished`);
    cursor.delete(next);
  }

  /** Deletes the row a REPLACE conflict resolution removes. */
  private deleteConflicting(rowid: Int64): void {
    if (!this.read(rowid, this.victim)) throw corrupt(`index of ${this.table.name} names missing row ${rowid}`);
    const hook = this.replaceHook;
    if (!hook?.active) {
      this.delete(this.victim);
      return;
    }
    hook.before(this.victim);
    // The BEFORE triggers may have changed or deleted the row.
    if (!this.read(rowid, this.victim)) return;
    hook.deleting?.(this.victim);
    this.delete(this.victim);
    hook.after(this.victim);
  }

  /**
   * Writes the table record of `row` (the INTEGER PRIMARY KEY is stored as NULL: the rowid holds it) at
   * the start of `recordBuf`, growing it as needed; returns the record's size.
   */
  private encode(row: RowImage): number {
    const w = this.record;
    w.reset();
    const alias = this.table.rowidAlias;
    const types = row.types;
    for (let i = 0; i < types.length; i++) {
      if (i === alias) {
        w.pushNull();
      } else if (types[i] === UNLOADED) {
        const source = row.source!;
        w.pushRaw(source.serialType(i), source.bytes, source.offsetOf(i));
      } else {
        w.pushTyped(types[i] as ValueType, row.values[i]!);
      }
    }
    const size = w.size();
    if (size > this.recordBuf.length) this.recordBuf = new Uint8Array(Math.max(size, 2 * this.recordBuf.length));
    w.writeTo(this.recordBuf, 0);
    return size;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
