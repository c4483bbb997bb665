/**
 * A table-valued function in FROM (`json_each(doc, '$.a') AS e`) as a row source. Its arguments are
 * compiled in the FROM clause's scope, so they may read the sources before it (`FROM t,
 * json_each(t.doc)`); every scan of the source evaluates them anew and restarts the function's cursor.
 * The planner keeps such a source in FROM order (after what its arguments read).
 *
 * Columns: the module's, its hidden argument columns last (left out of `*`). Values come from the
 * function's cursor and keep their subtype (json_each's `value` of an array is JSON).
 */
import { SqliteError } from '../common/errors.js';
import type { Btree } from '../btree/btree.js';
import { BINARY } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { TableFunctionRef } from '../sql/ast.js';
import { type TableFunctionCursor, lookupTableFunction } from '../func/table-functions.js';
import { Affinity } from '../value/affinity.js';
import { CapturingResult, SlotArgs } from '../value/args.js';
import { type Compiled, type CompileContext, type Evaluator, compileExpr, evalSubtype, evalType, produce, produceSubtyped } from './expr.js';
import type { RowSource, SourceColumn } from './source.js';

export class FunctionSource implements RowSource {
  nullRow = false;
  readonly hasRowid = false;
  readonly columns: readonly SourceColumn[];
  /** How many of the last columns are hidden. */
  readonly hidden: number;
  private readonly cursor: TableFunctionCursor;
  private args: Evaluator[] = [];
  private subtyped: boolean[] = [];
  private readonly slots: SlotArgs;
  private readonly result = new CapturingResult();
  private row = 0;

  constructor(
    private readonly ref: TableFunctionRef,
    readonly alias: string,
  ) {
    const module = lookupTableFunction(ref.name.name);
    if (!module) throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.name.name}`);
    if (ref.args.length > module.hidden) {
      throw new SqliteError('SQLITE_ERROR', `too many arguments on ${ref.name.name}() - max ${module.hidden}`);
    }
    this.cursor = module.open();
    this.hidden = module.hidden;
    this.columns = module.columns.map((name) => ({
      name,
      affinity: Affinity.None,
      collation: BINARY,
      meta: { column: name, table: ref.name.name, database: 'main', type: null },
    }));
    this.slots = new SlotArgs(ref.args.length);
  }

  /** Compiles the arguments (once every source of the FROM clause is known). */
  bind(cx: CompileContext): void {
    const compiled = this.ref.args.map((a) => compileExpr(a, cx));
    this.args = compiled.map((c) => c.fn);
    this.subtyped = compiled.map((c) => c.subtyped === true);
  }

  column(index: number): Compiled {
    const result = this.result;
    const cursor = this.cursor;
    const fn = (): SqlValue => {
      if (this.nullRow) return produce(ValueType.Null, null);
      result.reset();
      cursor.column(index, result);
      return produceSubtyped(result.type, result.value, result.resultSubtype);
    };
    return { fn, affinity: Affinity.None, collation: BINARY, explicitCollation: false, subtyped: true };
  }

  open(_bt: Btree): void {
    this.nullRow = false;
  }

  first(): boolean {
    this.nullRow = false;
    const slots = this.slots;
    for (let i = 0; i < this.args.length; i++) {
      slots.values[i] = this.args[i]!();
      slots.types[i] = evalType;
      slots.subtypes[i] = this.subtyped[i] ? evalSubtype : 0;
    }
    const error = this.cursor.filter(slots);
    if (error !== null) throw new SqliteError('SQLITE_ERROR', error);
    this.row = 0;
    return !this.cursor.eof();
  }

  next(): boolean {
    this.cursor.next();
    this.row++;
    return !this.cursor.eof();
  }

  rowKey(): Int64 {
    return this.row;
  }

  close(): void {}
}
