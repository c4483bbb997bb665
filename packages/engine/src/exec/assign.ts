/**
 * The SET list of an UPDATE or of an upsert's DO UPDATE: `column = value`, and row values
 * `(c1, c2, …) = (v1, v2, …)` or `(c1, c2, …) = (SELECT …)`. Every value is evaluated over the row as it
 * was before the statement changed it (the caller's scope reads the old row), then written into the new
 * row image with its column's affinity. Setting the INTEGER PRIMARY KEY or `rowid` moves the row.
 *
 * A row-value subquery runs once per row; when it returns no row, every column it assigns becomes NULL.
 */
import { SqliteError } from '../common/errors.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { Assignment, Expr, Select } from '../sql/ast.js';
import type { TableInfo } from '../plan/catalog.js';
import { applyAffinity, convertedType } from '../value/affinity.js';
import { type CompileContext, type Evaluator, compileExpr, evalType } from './expr.js';
import { rowidValue } from './insert.js';
import type { QueryProgram, Runtime } from './nested.js';
import { ROWID_TARGET, type RowImage, columnTarget } from './rowscope.js';

/** One part of a SET list: fills `count` consecutive assigned values. */
type Part = { kind: 'value'; fn: Evaluator } | { kind: 'query'; program: QueryProgram; runtime: Runtime; count: number };

export class Assignments {
  /** The assigned columns in SET order: table column numbers, or ROWID_TARGET. */
  readonly targets: number[] = [];
  private readonly parts: Part[] = [];
  private readonly types: Uint8Array;
  private readonly values: SqlValue[];

  /**
   * `valueOf`, when given, supplies the evaluator of each value expression (single values and the items
   * of row values, in SET order) instead of compiling it in `cx`: UPDATE … FROM computes them in its join.
   */
  constructor(
    set: Assignment[],
    private readonly table: TableInfo,
    cx: CompileContext,
    valueOf: (expr: Expr) => Evaluator = (expr) => compileExpr(expr, cx).fn,
  ) {
    for (const assignment of set) {
      for (const column of assignment.columns) this.targets.push(targetOf(table, column.name));
      const count = assignment.columns.length;
      const value = assignment.value;
      if (count === 1) {
        this.parts.push({ kind: 'value', fn: valueOf(value) });
      } else if (value.kind === 'row') {
        if (value.items.length !== count) throw assignedError(count, value.items.length);
        for (const item of value.items) this.parts.push({ kind: 'value', fn: valueOf(item) });
      } else if (value.kind === 'subquery') {
        this.parts.push(this.query(value.select, count, cx));
      } else {
        throw assignedError(count, 1);
      }
    }
    this.types = new Uint8Array(this.targets.length);
    this.values = new Array<SqlValue>(this.targets.length).fill(null);
  }

  private query(select: Select, count: number, cx: CompileContext): Part {
    const env = cx.env!;
    const program = env.nested!.compileQuery(select, env, cx.scope);
    if (program.columns.length !== count) throw assignedError(count, program.columns.length);
    return { kind: 'query', program, runtime: env.nested!.runtime, count };
  }

  /**
   * Evaluates every value (over whatever row the compile scope reads), then writes them into `row`
   * with affinity applied; a new rowid goes into `row.rowid`.
   */
  apply(row: RowImage): void {
    const types = this.types;
    const values = this.values;
    let k = 0;
    for (const part of this.parts) {
      if (part.kind === 'value') {
        values[k] = part.fn();
        types[k++] = evalType;
        continue;
      }
      const program = part.program;
      program.open(part.runtime.btree(), { changes: 0, lastInsertRowid: 0 });
      try {
        const found = program.step();
        for (let i = 0; i < part.count; i++, k++) {
          types[k] = found ? program.types[i]! : ValueType.Null;
          values[k] = found ? program.values[i]! : null;
        }
      } finally {
        program.close();
      }
    }
    const table = this.table;
    for (let j = 0; j < this.targets.length; j++) {
      const i = this.targets[j]!;
      if (i === ROWID_TARGET || i === table.rowidAlias) {
        const moved = rowidValue(types[j] as ValueType, values[j]!);
        if (moved === null) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
        row.rowid = moved;
        if (i === ROWID_TARGET) continue;
      }
      row.values[i] = applyAffinity(table.columns[i]!.affinity, types[j] as ValueType, values[j]!);
      row.types[i] = convertedType;
    }
    if (table.rowidAlias >= 0) {
      row.types[table.rowidAlias] = ValueType.Integer;
      row.values[table.rowidAlias] = row.rowid;
    }
  }
}

/** The value expressions of a SET list in order, row values spread; null when one is a row-value subquery. */
export function assignedExprs(set: Assignment[]): Expr[] | null {
  const exprs: Expr[] = [];
  for (const assignment of set) {
    const value = assignment.value;
    if (assignment.columns.length > 1 && value.kind === 'subquery') return null;
    if (assignment.columns.length > 1 && value.kind === 'row') exprs.push(...value.items);
    else exprs.push(value);
  }
  return exprs;
}

function assignedError(columns: number, values: number): SqliteError {
  return new SqliteError('SQLITE_ERROR', `${columns} columns assigned ${values} values`);
}

/** The table column `name` names, or the rowid. */
function targetOf(table: TableInfo, name: string): number {
  const target = columnTarget(table, name);
  if (target === undefined) throw new SqliteError('SQLITE_ERROR', `no such column: ${name}`);
  return target;
}
