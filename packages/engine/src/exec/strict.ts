/**
 * STRICT tables (sqlite.org/stricttables.html): every column declares one of INT, INTEGER, REAL, TEXT,
 * BLOB or ANY, and a value written to a column must, after the column's affinity is applied, be NULL
 * or of the column's type (a REAL column takes INTEGERs as REALs, which its affinity already made
 * them; ANY takes everything, unconverted). A violation is SQLITE_CONSTRAINT_DATATYPE under ABORT
 * whatever the conflict resolution, checked after NOT NULL and before CHECK.
 */
import { SqliteError } from '../common/errors.js';
import { ValueType } from '../record/value.js';
import type { CreateTableStmt } from '../sql/ast.js';
import type { TableInfo } from '../plan/catalog.js';
import type { RowImage } from './rowscope.js';

/** The storage class each STRICT type name requires (null: any). */
const STRICT_TYPES: ReadonlyMap<string, ValueType | null> = new Map<string, ValueType | null>([
  ['INT', ValueType.Integer],
  ['INTEGER', ValueType.Integer],
  ['REAL', ValueType.Real],
  ['TEXT', ValueType.Text],
  ['BLOB', ValueType.Blob],
  ['ANY', null],
]);

const VALUE_NAMES = ['NULL', 'INT', 'REAL', 'TEXT', 'BLOB'];

/** A declared type as a STRICT type name: upper case, without quotes around it. */
function strictName(declared: string): string {
  return declared.replace(/^["'`[](.*)["'`\]]$/, '$1').toUpperCase();
}

/** Throws SQLite's error for a column of a STRICT table without a type or with one it does not know. */
export function checkStrictColumns(stmt: CreateTableStmt): void {
  for (const column of stmt.columns) {
    const where = `${stmt.name.name}.${column.name.name}`;
    if (!column.type) throw new SqliteError('SQLITE_ERROR', `missing datatype for ${where}`);
    if (!STRICT_TYPES.has(strictName(column.type.text))) throw new SqliteError('SQLITE_ERROR', `unknown datatype for ${where}: "${column.type.text}"`);
  }
}

/** Checks rows of a STRICT table: per column, the storage class it takes. */
export class StrictTypes {
  /** Per column: the storage class required, or -1 for any. */
  private readonly required: Int8Array;

  constructor(private readonly table: TableInfo) {
    this.required = Int8Array.from(table.columns, (c) => STRICT_TYPES.get(strictName(c.declaredType)) ?? -1);
  }

  /** Throws when a non-NULL value of `row` is not of its column's type (the INTEGER PRIMARY KEY aside). */
  check(row: RowImage): void {
    const required = this.required;
    for (let i = 0; i < required.length; i++) {
      const type = row.types[i]!;
      if (required[i]! < 0 || type === ValueType.Null || type === required[i] || i === this.table.rowidAlias) continue;
      const column = this.table.columns[i]!;
      throw new SqliteError('SQLITE_CONSTRAINT_DATATYPE', `cannot store ${VALUE_NAMES[type]} value in ${strictName(column.declaredType)} column ${this.table.name}.${column.name}`);
    }
  }
}
