/**
 * Upsert: INSERT's `ON CONFLICT [(target) [WHERE …]] DO NOTHING | DO UPDATE SET … [WHERE …]` clauses
 * (sqlite.org/lang_upsert.html).
 *
 * Each clause's conflict target is matched, at compile time, to the uniqueness constraint it names: the
 * rowid (a rowid name or the INTEGER PRIMARY KEY), or a UNIQUE index whose columns are exactly the
 * target's in any order (sort orders aside; a COLLATE in the target must be the index column's) and whose partial-index WHERE, if any, is the
 * target's WHERE; a clause without a target takes every uniqueness constraint. `TableWriter` hands each
 * uniqueness conflict of a new row to the first clause that takes it (checking those constraints first);
 * NOT NULL and CHECK violations are never the upsert's.
 *
 * DO NOTHING drops the row. DO UPDATE updates the row already there, as an UPDATE of that one row under
 * ABORT whatever the statement's OR clause: its SET and WHERE read that row's columns by the table's
 * name (or alias) and the row that could not be inserted as `excluded`. A row it updates counts as one
 * change and is what RETURNING reports; one its WHERE rejects is left alone and counts nothing. It
 * fires the table's UPDATE triggers (those OF a column it sets) as an UPDATE does: BEFORE triggers may
 * change or delete the row, which is then read again (and left alone when gone).
 */
import { SqliteError, corrupt } from '../common/errors.js';
import type { ColumnRef, Expr, UpsertClause } from '../sql/ast.js';
import type { IndexInfo, TableInfo } from '../plan/catalog.js';
import { IndexSource } from '../plan/catalog.js';
import { Assignments } from './assign.js';
import { type Compiled, type Evaluator, type Scope, compileExpr, truth } from './expr.js';
import type { CompileEnv, Effects } from './program.js';
import type { Btree } from '../btree/btree.js';
import type { Returning } from './returning.js';
import { RowImage, RowScope, isRowidName } from './rowscope.js';
import type { TableWriter } from './rowwrite.js';
import { type RowTriggers, rowTriggers } from './trigger.js';

/** Names of the table being written resolve to the existing row; `excluded.x` to the row proposed. */
class UpsertScope implements Scope {
  constructor(
    readonly existing: RowScope,
    readonly excluded: RowScope,
  ) {}

  column(ref: ColumnRef): Compiled | undefined {
    if (ref.table && ref.table.name.toLowerCase() === 'excluded' && !ref.schema) return this.excluded.column(ref);
    return this.existing.column(ref);
  }
}

interface CompiledClause {
  target: IndexInfo | 'rowid' | null;
  /** The DO UPDATE, or null for DO NOTHING. */
  update: { set: Assignments; where: Evaluator | null; triggers: RowTriggers | null } | null;
}

export class Upsert {
  private readonly clauses: CompiledClause[];
  private readonly scope: UpsertScope;
  private readonly old: RowImage;
  private readonly row: RowImage;
  /** The row as BEFORE UPDATE triggers left it. */
  private readonly current: RowImage;

  constructor(clauses: UpsertClause[], table: TableInfo, alias: string, env: CompileEnv) {
    this.scope = new UpsertScope(new RowScope(table, alias), new RowScope(table, 'excluded'));
    const cx = { scope: this.scope, bindings: env.bindings, functions: env.functions, env };
    this.clauses = clauses.map((clause) => ({
      target: clause.target ? matchTarget(clause, table) : null,
      update: clause.set
        ? {
            set: new Assignments(clause.set, table, cx),
            where: clause.where ? compileExpr(clause.where, cx).fn : null,
            triggers: rowTriggers(env, table, 'UPDATE', 'ABORT', clause.set.flatMap((a) => a.columns.map((c) => c.name.toLowerCase()))),
          }
        : null,
    }));
    this.old = new RowImage(table.columns.length);
    this.row = new RowImage(table.columns.length);
    this.current = new RowImage(table.columns.length);
  }

  /** What each clause's target matched, for `TableWriter.setUpsert`. */
  targets(): (IndexInfo | 'rowid' | null)[] {
    return this.clauses.map((c) => c.target);
  }

  /**
   * Carries out the clause `writer` handed the conflict of `proposed` to. Returns whether a row was
   * updated.
   */
  resolve(writer: TableWriter, proposed: RowImage, bt: Btree, effects: Effects, returning: Returning | null): boolean {
    const update = this.clauses[writer.upsertClause]!.update;
    if (!update) return false;
    const old = this.old;
    if (!writer.read(writer.upsertRowid, old)) throw corrupt(`upsert found no row ${writer.upsertRowid} in ${writer.table.name}`);
    this.scope.existing.row = old;
    this.scope.excluded.row = proposed;
    if (update.where && truth(update.where) !== true) return false;
    const row = this.row;
    row.copyFrom(old);
    update.set.apply(row);
    const triggers = update.triggers;
    let current = old;
    if (triggers && triggers.before.length > 0) {
      current = this.current;
      if (!triggers.fireBefore(old, row, bt, effects) || !writer.read(writer.upsertRowid, current)) return false;
      const set = update.set.targets;
      for (let i = 0; i < row.values.length; i++) {
        if (set.includes(i) || i === writer.table.rowidAlias) continue;
        row.types[i] = current.types[i]!;
        row.values[i] = current.values[i]!;
      }
    }
    if (!writer.write(row, current, 'ABORT')) return false;
    effects.changes++;
    returning?.capture(row);
    if (triggers && triggers.after.length > 0) triggers.fireAfter(old, row, bt, effects);
    return true;
  }
}

/** The uniqueness constraint a conflict target names, or SQLite's error. */
function matchTarget(clause: UpsertClause, table: TableInfo): IndexInfo | 'rowid' {
  const terms = clause.target!.map((t) => t.expr);
  if (terms.length === 1 && !clause.targetWhere) {
    const only = terms[0]!;
    if (only.kind === 'column') {
      const lower = only.column.name.toLowerCase();
      const column = table.columns.findIndex((c) => c.name.toLowerCase() === lower);
      if ((column >= 0 && column === table.rowidAlias) || (column < 0 && isRowidName(lower))) return 'rowid';
    }
  }
  const candidates = [...table.indexes].reverse();
  for (const index of candidates) {
    if (!index.unique || index.columns.length !== terms.length) continue;
    if (index.partial) {
      if (!clause.targetWhere || !sameExpr(clause.targetWhere, index.partial)) continue;
    }
    const matched = index.columns.every((col) =>
      terms.some((term) => {
        // A COLLATE in the target must name the index column's collation; without one, any matches.
        if (term.kind === 'collate' && term.collation.name.toLowerCase() !== col.collationName.toLowerCase()) return false;
        const bare = withoutCollate(term);
        if (col.column === IndexSource.Expression) return sameExpr(bare, withoutCollate(col.expr!));
        if (bare.kind !== 'column') return false;
        const lower = bare.column.name.toLowerCase();
        if (col.column === IndexSource.Rowid) return isRowidName(lower);
        return table.columns[col.column]!.name.toLowerCase() === lower;
      }),
    );
    if (matched) return index;
  }
  throw new SqliteError('SQLITE_ERROR', 'ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint');
}

function withoutCollate(expr: Expr): Expr {
  return expr.kind === 'collate' ? withoutCollate(expr.operand) : expr;
}

/** Whether two expressions are the same tree (positions, quoting and the case of names aside). */
function sameExpr(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  if (ra.kind === 'identifier' && rb.kind === 'identifier') return String(ra.name).toLowerCase() === String(rb.name).toLowerCase();
  const keys = Object.keys(ra).filter((k) => k !== 'start' && k !== 'end');
  if (keys.length !== Object.keys(rb).filter((k) => k !== 'start' && k !== 'end').length) return false;
  return keys.every((k) => sameExpr(ra[k], rb[k]));
}
