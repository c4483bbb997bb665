/**
 * A table row held in memory (`RowImage`), and name resolution over it (`RowScope`), for the
 * expressions a write evaluates over a row that is not (or no longer) under a cursor: CHECK
 * constraints, expression index columns, partial index WHERE clauses, and UPDATE's SET values.
 *
 * Invariant of an image: `types[i]`/`values[i]` hold column i with its affinity applied (REAL columns
 * hold REALs even where the record stores a whole number as INTEGER), and the INTEGER PRIMARY KEY
 * column, if any, holds the rowid.
 */
import { BINARY } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { RecordReader } from '../record/record.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnRef } from '../sql/ast.js';
import type { TableInfo } from '../plan/catalog.js';
import { Affinity } from '../value/affinity.js';
import { type Compiled, type Scope, produce } from './expr.js';
import { isKnownSchema } from './schemas.js';

/** A written column that is the rowid itself (`INSERT INTO t(rowid, …)`, `SET rowid = …`). */
export const ROWID_TARGET = -1;

/** Whether `lower` (a lower-case name) is one of the rowid's names when no column takes it. */
export function isRowidName(lower: string): boolean {
  return lower === 'rowid' || lower === 'oid' || lower === '_rowid_';
}

/** The table column `name` names (case-insensitive), ROWID_TARGET for a rowid name, else undefined. */
export function columnTarget(table: TableInfo, name: string): number | undefined {
  const lower = name.toLowerCase();
  const i = table.columns.findIndex((col) => col.name.toLowerCase() === lower);
  if (i >= 0) return i;
  if (isRowidName(lower)) return ROWID_TARGET;
  return undefined;
}

/**
 * The type `RowImage.load` gives a column it was told not to decode: its value is only in the record
 * the image's `source` holds, and nothing may read it; a write copies it from there as it is.
 */
export const UNLOADED = 0xff;

/** One row of a table: its rowid and every column's value with its storage class. */
export class RowImage {
  rowid: Int64 = 0;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  /** The record `load` read: its UNLOADED columns are still there, until the table changes. */
  source: RecordReader | null = null;

  constructor(width: number) {
    this.types = new Uint8Array(width);
    this.values = new Array<SqlValue>(width).fill(null);
  }

  /** Copies `other` (of the same table) into this image. */
  copyFrom(other: RowImage): void {
    this.rowid = other.rowid;
    this.source = other.source;
    this.types.set(other.types);
    for (let i = 0; i < this.values.length; i++) this.values[i] = other.values[i]!;
  }

  /**
   * Fills the image from row `rowid` of `table`, whose record `reader` holds; with `wanted`, only the
   * columns it marks are decoded, the others (if the record has them) are left UNLOADED.
   */
  load(table: TableInfo, rowid: Int64, reader: RecordReader, wanted: ArrayLike<number> | null = null): void {
    this.rowid = rowid;
    this.source = reader;
    const columns = table.columns;
    for (let i = 0; i < columns.length; i++) {
      if (i === table.rowidAlias) {
        this.types[i] = ValueType.Integer;
        this.values[i] = rowid;
        continue;
      }
      if (i >= reader.count) {
        // Columns added by ALTER TABLE are missing from older records: they read as their default.
        const missing = columns[i]!.missingValue;
        this.types[i] = missing ? missing.type : ValueType.Null;
        this.values[i] = missing ? missing.value : null;
        continue;
      }
      if (wanted !== null && wanted[i] === 0) {
        this.types[i] = UNLOADED;
        this.values[i] = null;
        continue;
      }
      const t = reader.type(i);
      if (t === ValueType.Integer && columns[i]!.affinity === Affinity.Real) {
        this.types[i] = ValueType.Real;
        this.values[i] = reader.getReal(i);
      } else {
        this.types[i] = t;
        this.values[i] = t === ValueType.Null ? null : reader.getValue(i);
      }
    }
  }
}

/** Resolves the columns of one table (by its name or `alias`) to the values of `row`. */
export class RowScope implements Scope {
  /** The row the compiled evaluators read; set it before evaluating. */
  row: RowImage;
  /** Per column, 1 once an expression compiled in this scope reads it. */
  readonly referenced: Uint8Array;

  constructor(
    readonly table: TableInfo,
    readonly alias: string = table.name,
  ) {
    this.row = new RowImage(table.columns.length);
    this.referenced = new Uint8Array(table.columns.length);
  }

  column(ref: ColumnRef): Compiled | undefined {
    if (ref.schema && !isKnownSchema(ref.schema.name)) return undefined;
    if (ref.table && ref.table.name.toLowerCase() !== this.alias.toLowerCase()) return undefined;
    const lower = ref.column.name.toLowerCase();
    const index = this.table.columns.findIndex((c) => c.name.toLowerCase() === lower);
    if (index >= 0) return this.columnAt(index);
    if (isRowidName(lower)) {
      return { fn: () => produce(ValueType.Integer, this.row.rowid), affinity: Affinity.Integer, collation: BINARY, explicitCollation: false };
    }
    return undefined;
  }

  /** An evaluator of column `index` of the row. */
  columnAt(index: number): Compiled {
    const info = this.table.columns[index]!;
    this.referenced[index] = 1;
    return {
      fn: () => produce(this.row.types[index] as ValueType, this.row.values[index]!),
      affinity: info.affinity,
      collation: info.collation,
      explicitCollation: false,
    };
  }
}
