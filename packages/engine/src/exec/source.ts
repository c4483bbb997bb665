/**
 * Row sources of a FROM clause: a stored table read through a cursor (`TableSource`), or the rows of a
 * nested query — a subquery, a view, a common table expression — materialized when first scanned
 * (`QuerySource`). A join loop drives both alike: `first`/`next` position the source on a row, and
 * column evaluators read that row (or NULL while `nullRow` is set, for the missing side of an outer
 * join).
 *
 * `rowKey` names the current row uniquely within one scan, so RIGHT and FULL joins can remember which
 * rows found a partner.
 *
 * An inner table of a nested loop is scanned again for every outer row. Within one execution it may
 * remember, on its first full scan, which rows pass the WHERE terms on it alone (`rememberScans`), or
 * group those rows by the column a hashed scan looks up (hashed-scan.ts); later scans visit only those.
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import { BINARY, type Collation } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { RecordReader } from '../record/record.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { TableInfo } from '../plan/catalog.js';
import { Affinity } from '../value/affinity.js';
import { assert } from '../common/assert.js';
import { type Compiled, type Evaluator, produce } from './expr.js';
import { passes } from './join.js';
import type { QueryProgram, RecursiveTable } from './nested.js';
import { type Access, FullScan } from './access.js';
import { HashedScan, hashKey } from './hashed-scan.js';
import { IndexScan } from './index-scan.js';
import type { ColumnMeta } from './program.js';
import { schemaName, treeOf } from './schemas.js';
import { type StoredField, withStoredField } from './stored-column.js';

const NO_ROWS: Int64[] = [];

/** A column of a row source as name resolution sees it. */
export interface SourceColumn {
  name: string;
  affinity: Affinity;
  collation: Collation;
  /** What `columns()` reports for a result column that reads it. */
  meta: Omit<ColumnMeta, 'name'>;
}

export interface RowSource {
  /** The name the source is referred to by (its alias, else its table's name). */
  readonly alias: string;
  readonly columns: readonly SourceColumn[];
  /** Whether `rowid` names a column (stored rowid tables only). */
  readonly hasRowid: boolean;
  /** Set while an outer join supplies this source's row of NULLs. */
  nullRow: boolean;
  /** An evaluator of column `index` of the current row (-1: the rowid). */
  column(index: number): Compiled;
  open(bt: Btree): void;
  first(): boolean;
  next(): boolean;
  /** Identifies the current row within a scan. */
  rowKey(): Int64;
  close(): void;
}

/**
 * A stored rowid table scanned by a cursor; column evaluators decode straight from the page. When the
 * access path is a covering index scan, the record read is the index entry instead, and `fields` maps
 * each table column to its field there (`settle` decides this once every column the query reads has
 * been asked for).
 */
export class TableSource implements RowSource {
  cursor: BtCursor | null = null;
  /** The cursor of the last execution, closed, for the next to reopen. */
  private spare: BtCursor | null = null;
  readonly reader = new RecordReader();
  nullRow = false;
  readonly hasRowid = true;
  readonly columns: readonly SourceColumn[];
  /** How the cursor visits rows (chosen by the planner; a full scan until then). */
  access: Access;
  /** Per table column, its field in the record `reader` holds. */
  private readonly fields: Int32Array;
  /** Per table column, whether an evaluator reads it. */
  readonly used: Uint8Array;
  /** The covering index scan the row is read from, else null. */
  private covering: IndexScan | null = null;
  private settled = false;
  /** Terms on this table alone (see `rememberScans`), or null. */
  private ownFilters: Evaluator[] | null = null;
  /** Whether this execution's first scan has run (filling `remembered` or `groups`). */
  private scanned = false;
  /** The rowids that passed `ownFilters` in this execution's first scan. */
  private remembered: Int64[] = [];
  /** For a hashed scan, the rowids of those rows by the key of the grouped column. */
  private groups: Map<string, Int64[]> | null = null;
  /** Whether this execution reads rows' records: false when no column but the rowid is read. */
  private readsRecord = true;
  /** The rowids the current scan visits, and the next one's position. */
  private recalled: Int64[] | null = null;
  private recall = 0;

  constructor(
    readonly table: TableInfo,
    readonly alias: string,
    /** `INDEXED BY name` (the name) or `NOT INDEXED` (null) as written after the table, else undefined. */
    readonly indexHint?: string | null,
  ) {
    this.access = new FullScan(`SCAN ${alias}`);
    this.columns = table.columns.map((info) => ({
      name: info.name,
      affinity: info.affinity,
      collation: info.collation,
      meta: { column: info.name, table: table.name, database: schemaName(table), type: info.declaredType || null },
    }));
    this.fields = new Int32Array(table.columns.length);
    for (let i = 0; i < this.fields.length; i++) this.fields[i] = i;
    this.used = new Uint8Array(table.columns.length);
  }

  column(index: number): Compiled {
    const table = this.table;
    if (index < 0 || index === table.rowidAlias) {
      const info = index < 0 ? null : table.columns[index]!;
      return {
        fn: () => (this.nullRow ? produce(ValueType.Null, null) : produce(ValueType.Integer, this.rowid())),
        affinity: info ? info.affinity : Affinity.Integer,
        collation: info ? info.collation : BINARY,
        explicitCollation: false,
      };
    }
    assert(!this.covering, 'a column read after the source chose a covering index');
    this.used[index] = 1;
    const info = table.columns[index]!;
    const reader = this.reader;
    const fields = this.fields;
    // A REAL column may hold whole numbers stored as integers (SQLite's space saving): read them as REAL.
    const real = info.affinity === Affinity.Real;
    // A record stored before ALTER TABLE added the column is short: it reads the column's default.
    const missing = info.missingValue;
    const fn = (): SqlValue => {
      if (this.nullRow) return produce(ValueType.Null, null);
      const field = fields[index]!;
      if (missing !== null && field >= reader.count) return produce(missing.type, missing.value);
      const t = reader.type(field);
      if (real && t === ValueType.Integer) return produce(ValueType.Real, reader.getReal(field));
      return produce(t, reader.getValue(field));
    };
    const stored: StoredField = {
      reader,
      field: () => (this.nullRow || (missing !== null && fields[index]! >= reader.count) ? -1 : fields[index]!),
    };
    return { fn: withStoredField(fn, stored), affinity: info.affinity, collation: info.collation, explicitCollation: false };
  }

  /**
   * Fixes how rows are read, once the query is compiled: straight from the index when the access path
   * is an index scan that holds every column read.
   */
  settle(): void {
    if (this.settled) return;
    this.settled = true;
    const access = this.access;
    if (!(access instanceof IndexScan)) return;
    const held = access.index.columns.map((c) => c.column);
    for (let i = 0; i < this.used.length; i++) {
      if (this.used[i] && i !== this.table.rowidAlias && !held.includes(i)) return;
    }
    for (let i = 0; i < this.used.length; i++) if (this.used[i]) this.fields[i] = held.indexOf(i);
    access.covering = true;
    this.covering = access;
  }

  /**
   * Makes a full scan remember, in each execution, which rows pass `filters` (terms on this table alone
   * that answer the same for a row all along the execution), and visit only those on later scans.
   */
  rememberScans(filters: Evaluator[]): void {
    this.ownFilters = filters.length > 0 ? filters : null;
  }

  /** The rowid of the current row. */
  rowid(): Int64 {
    if (!this.covering) return this.cursor!.rowid();
    // The index record (already read) ends with the rowid.
    const reader = this.reader;
    return reader.getInt(reader.count - 1);
  }

  open(bt: Btree): void {
    this.cursor = treeOf(bt, this.table).cursor(this.table.root, null, this.spare);
    this.access.open(bt);
    this.nullRow = false;
    this.scanned = false;
    this.remembered = [];
    this.groups = null;
    this.recalled = null;
  }

  first(): boolean {
    this.nullRow = false;
    const access = this.access;
    const hashed = access instanceof HashedScan ? access : null;
    this.readsRecord = this.covering !== null || hashed !== null || this.used.includes(1);
    if (hashed || (this.ownFilters && access instanceof FullScan)) {
      if (!this.scanned) this.firstScan(hashed);
      if (hashed) {
        const key = hashed.probeKey();
        this.recalled = (key === null ? undefined : this.groups!.get(key)) ?? NO_ROWS;
      } else {
        this.recalled = this.remembered;
      }
      this.recall = 0;
      return this.nextRemembered();
    }
    return access.first(this.cursor!) && this.load();
  }

  next(): boolean {
    if (this.recalled) return this.nextRemembered();
    return this.access.next(this.cursor!) && this.load();
  }

  /** Scans the whole table, keeping the rowids of the rows that pass `ownFilters` (grouped for a hashed scan). */
  private firstScan(hashed: HashedScan | null): void {
    this.scanned = true;
    const filters = this.ownFilters;
    const cursor = this.cursor!;
    const reader = this.reader;
    const groups = hashed ? new Map<string, Int64[]>() : null;
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      this.load();
      if (filters && !passes(filters)) continue;
      if (!groups) {
        this.remembered.push(cursor.rowid());
        continue;
      }
      const key = hashKey(reader.type(hashed!.column), reader.getValue(hashed!.column), hashed!.collation);
      if (key === null) continue;
      const group = groups.get(key);
      if (group) group.push(cursor.rowid());
      else groups.set(key, [cursor.rowid()]);
    }
    this.groups = groups;
  }

  private nextRemembered(): boolean {
    const rowids = this.recalled!;
    const cursor = this.cursor!;
    while (this.recall < rowids.length) {
      if (cursor.seekRowid(rowids[this.recall++]!) === 0) return this.load();
    }
    return false;
  }

  rowKey(): Int64 {
    return this.rowid();
  }

  close(): void {
    this.access.close();
    this.cursor?.close();
    this.spare = this.cursor ?? this.spare;
    this.cursor = null;
  }

  private load(): boolean {
    if (this.readsRecord) (this.covering ? this.covering.cursor! : this.cursor!).readRecord(this.reader);
    return true;
  }
}

/** One materialized row. */
export interface StoredRow {
  types: Uint8Array;
  values: SqlValue[];
}

/** Runs `program` to the end and keeps every row. */
export function collectRows(program: QueryProgram, bt: Btree, max = Infinity): StoredRow[] {
  const rows: StoredRow[] = [];
  program.open(bt, { changes: 0, lastInsertRowid: 0 });
  try {
    while (rows.length < max && program.step()) rows.push({ types: program.types.slice(), values: program.values.slice() });
  } finally {
    program.close();
  }
  return rows;
}

/**
 * The rows of a nested query as a table. The query runs once per `open`, row by row as the join loop
 * first reaches each row (so an outer LIMIT can stop an endless recursive CTE), and the rows read are
 * kept for the join loop's later scans.
 */
export class QuerySource implements RowSource {
  nullRow = false;
  readonly hasRowid = false;
  private rows: StoredRow[] = [];
  /** Whether the query is running (opened and not yet exhausted). */
  private running = false;
  private exhausted = false;
  private position = -1;
  private bt: Btree | null = null;

  constructor(
    readonly alias: string,
    readonly columns: readonly SourceColumn[],
    readonly program: QueryProgram,
  ) {}

  column(index: number): Compiled {
    const c = this.columns[index]!;
    const fn = (): SqlValue => {
      if (this.nullRow) return produce(ValueType.Null, null);
      const row = this.rows[this.position]!;
      return produce(row.types[index] as ValueType, row.values[index]!);
    };
    return { fn, affinity: c.affinity, collation: c.collation, explicitCollation: false };
  }

  open(bt: Btree): void {
    this.finish();
    this.bt = bt;
    this.rows = [];
    this.exhausted = false;
    this.nullRow = false;
  }

  first(): boolean {
    this.nullRow = false;
    this.position = 0;
    return this.fetch();
  }

  next(): boolean {
    this.position++;
    return this.fetch();
  }

  rowKey(): Int64 {
    return this.position;
  }

  close(): void {
    this.finish();
    this.rows = [];
  }

  /** Whether row `position` exists, running the query further when it has not been read yet. */
  private fetch(): boolean {
    while (this.position >= this.rows.length) {
      if (this.exhausted) return false;
      const program = this.program;
      if (!this.running) {
        program.open(this.bt!, { changes: 0, lastInsertRowid: 0 });
        this.running = true;
      }
      if (program.step()) {
        this.rows.push({ types: program.types.slice(), values: program.values.slice() });
      } else {
        this.finish();
        this.exhausted = true;
      }
    }
    return true;
  }

  private finish(): void {
    if (!this.running) return;
    this.running = false;
    this.program.close();
  }
}

/** The current row of a recursive CTE, as its recursive part reads it: one row per scan. */
export class WorkingSource implements RowSource {
  nullRow = false;
  readonly hasRowid = false;
  private onRow = false;

  constructor(
    readonly alias: string,
    readonly columns: readonly SourceColumn[],
    private readonly table: RecursiveTable,
  ) {}

  column(index: number): Compiled {
    const c = this.columns[index]!;
    const table = this.table;
    const fn = (): SqlValue => {
      if (this.nullRow || !this.onRow) return produce(ValueType.Null, null);
      return produce(table.types[index] as ValueType, table.values[index]!);
    };
    return { fn, affinity: c.affinity, collation: c.collation, explicitCollation: false };
  }

  open(): void {
    this.nullRow = false;
  }

  first(): boolean {
    this.nullRow = false;
    this.onRow = true;
    return true;
  }

  next(): boolean {
    this.onRow = false;
    return false;
  }

  rowKey(): Int64 {
    return 0;
  }

  close(): void {}
}
