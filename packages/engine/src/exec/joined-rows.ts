/**
 * The rows an UPDATE … FROM, or an UPDATE or DELETE with ORDER BY / LIMIT, changes: found by a query
 * that the statement stands for, `SELECT target.rowid, values… FROM target [, from…] WHERE … ORDER BY
 * … LIMIT … OFFSET …`, run to its end before anything is written (SQLite's two-pass plan).
 *
 * With FROM, the target table is joined to the FROM sources as by a comma, and the `values` (SET's
 * expressions, which may read the FROM sources) are computed in the join: when several joined rows
 * match one target row, the first is used (SQLite says only that one of them is) and the row is
 * changed once.
 */
import type { Btree } from '../btree/btree.js';
import { notSupported } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { Expr, FromClause, FromTerm, Identifier, Limit, OrderingTerm, ResultColumn, TableRef } from '../sql/ast.js';
import { type Evaluator, produce } from './expr.js';
import type { QueryProgram } from './nested.js';
import type { TableInfo } from '../plan/catalog.js';
import type { CompileEnv } from './program.js';

export class JoinedRows {
  private readonly program: QueryProgram;
  private readonly width: number;
  /** Per collected row: the computed values, in the order of `values` given to the constructor. */
  private types: Uint8Array[] = [];
  private rows: SqlValue[][] = [];
  /** Which collected row the evaluators of `valueAt` read. */
  private current = 0;

  constructor(
    table: TableInfo,
    target: TableRef,
    alias: string,
    from: FromClause | null,
    where: Expr | null,
    orderBy: OrderingTerm[],
    limit: Limit | null,
    values: Expr[],
    env: CompileEnv,
  ) {
    const at = { start: target.start, end: target.end };
    const name = (text: string): Identifier => ({ kind: 'identifier', name: text, quote: null, ...at });
    // A column may take a name of the rowid: the first name left to the rowid reads it.
    const rowidName = ['rowid', '_rowid_', 'oid'].find((n) => !table.columns.some((c) => c.name.toLowerCase() === n));
    if (!rowidName) throw notSupported('UPDATE and DELETE with FROM, ORDER BY or LIMIT on a table whose columns take every name of the rowid');
    const rowid: Expr = { kind: 'column', schema: null, table: name(alias), column: name(rowidName), ...at };
    // Result columns carry names no SQL text can spell, so that ORDER BY terms never resolve to them.
    let hidden = 0;
    const column = (expr: Expr): ResultColumn => ({ kind: 'expr', expr, alias: name(`\u0000${hidden++}`), start: expr.start, end: expr.end });
    const first: FromTerm = { join: null, source: target, constraint: null, ...at };
    const joined: FromTerm[] = (from?.terms ?? []).map((term, i) => (i === 0 ? { ...term, join: { type: 'INNER', natural: false, comma: true, ...at }, constraint: null } : term));
    this.program = env.nested!.compileQuery(
      {
        kind: 'select',
        with: null,
        first: {
          kind: 'simpleSelect',
          distinct: false,
          columns: [column(rowid), ...values.map(column)],
          from: { terms: [first, ...joined], ...at },
          where,
          groupBy: [],
          having: null,
          windows: [],
          ...at,
        },
        compounds: [],
        orderBy,
        limit,
        ...at,
      },
      env,
      null,
    );
    this.width = values.length;
  }

  /** Runs the query; returns the target rowids in the order found, each once. */
  collect(bt: Btree): Int64[] {
    const program = this.program;
    const seen = new Set<Int64>();
    const rowids: Int64[] = [];
    this.types = [];
    this.rows = [];
    program.open(bt, { changes: 0, lastInsertRowid: 0 });
    try {
      while (program.step()) {
        const rowid = program.values[0] as Int64;
        if (seen.has(rowid)) continue;
        seen.add(rowid);
        rowids.push(rowid);
        if (this.width === 0) continue;
        this.types.push(program.types.slice(1));
        this.rows.push(program.values.slice(1));
      }
    } finally {
      program.close();
    }
    return rowids;
  }

  /** Makes the evaluators of `valueAt` read the values computed for the `n`th rowid `collect` returned. */
  select(n: number): void {
    this.current = n;
  }

  /** An evaluator of value `k` of the selected row. */
  valueAt(k: number): Evaluator {
    return () => produce(this.types[this.current]![k] as ValueType, this.rows[this.current]![k]!);
  }
}
