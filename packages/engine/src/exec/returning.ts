/**
 * RETURNING: the rows an INSERT, UPDATE or DELETE reports. As in SQLite, the statement does all its
 * writes first: each written row (the new row of an INSERT or UPDATE, the deleted row of a DELETE) is
 * evaluated into a result row as it is written, and the results are handed out by `step` afterwards.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import { type SqlValue } from '../record/value.js';
import type { ResultColumn } from '../sql/ast.js';
import type { TableInfo } from '../plan/catalog.js';
import { type Evaluator, compileExpr, evalType } from './expr.js';
import type { ColumnMeta, CompileEnv, Effects, Program } from './program.js';
import { type RowImage, RowScope } from './rowscope.js';

export class Returning {
  private readonly scope: RowScope;
  readonly names: string[] = [];
  readonly meta: ColumnMeta[] = [];
  private readonly outputs: Evaluator[] = [];
  private rows: { types: Uint8Array; values: SqlValue[] }[] = [];

  constructor(columns: ResultColumn[], table: TableInfo, alias: string, env: CompileEnv) {
    this.scope = new RowScope(table, alias);
    const cx = { scope: this.scope, bindings: env.bindings, functions: env.functions, env };
    for (const column of columns) {
      if (column.kind === 'expr') {
        const name = column.alias ? column.alias.name : column.expr.kind === 'column' ? column.expr.column.name : env.sql.slice(column.start, column.end);
        this.add(name, compileExpr(column.expr, cx).fn);
        continue;
      }
      if (column.kind === 'tableStar') throw new SqliteError('SQLITE_ERROR', 'RETURNING may not use "TABLE.*" wildcards');
      table.columns.forEach((info, i) => this.add(info.name, this.scope.columnAt(i).fn));
    }
  }

  private add(name: string, fn: Evaluator): void {
    this.names.push(name);
    this.meta.push({ name, column: null, table: null, database: null, type: null });
    this.outputs.push(fn);
  }

  /** Evaluates the RETURNING columns over `row`, a row the statement wrote or deleted. */
  capture(row: RowImage): void {
    this.scope.row = row;
    const n = this.outputs.length;
    const types = new Uint8Array(n);
    const values = new Array<SqlValue>(n);
    for (let i = 0; i < n; i++) {
      values[i] = this.outputs[i]!();
      types[i] = evalType;
    }
    this.rows.push({ types, values });
  }

  /** A program that does the statement's writes (`run`) at `open`, then returns the captured rows. */
  program(run: (bt: Btree, effects: Effects) => void): Program {
    const n = this.outputs.length;
    const types = new Uint8Array(n);
    const values = new Array<SqlValue>(n).fill(null);
    let position = 0;
    return {
      columns: this.names,
      meta: this.meta,
      readonly: false,
      types,
      values,
      open: (bt, effects): void => {
        this.rows = [];
        position = 0;
        run(bt, effects);
      },
      step: (): boolean => {
        const row = this.rows[position++];
        if (!row) return false;
        types.set(row.types);
        for (let i = 0; i < n; i++) values[i] = row.values[i]!;
        return true;
      },
      close: (): void => {
        this.rows = [];
      },
    };
  }
}
