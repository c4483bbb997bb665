/**
 * The FROM clause: its sources (stored tables, views, common table expressions, subqueries), the
 * levels of the join loop with their ON conditions (USING and NATURAL become equalities), and name
 * resolution over them (`FromScope`).
 *
 * Name resolution: a name resolves among this FROM clause's sources first; what none of them has is
 * looked up in the enclosing query's scope (`parent`), which is how correlated subqueries read outer
 * rows. A column named in USING (or matched by NATURAL) exists once for unqualified references and `*`:
 * the left source's copy, or — for RIGHT and FULL joins, where either side may be the NULL one —
 * coalesce(left, right).
 */
import { notSupported, SqliteError } from '../common/errors.js';
import type { Expr, FromClause, FromTerm, ColumnRef, Select, TableRef, TableSource as TableSourceAst } from '../sql/ast.js';
import { type Compiled, type CompileContext, type Scope, compileExpr, comparison, evalType, produce } from './expr.js';
import { type Level, newLevel } from './join.js';
import { isRowidName } from './rowscope.js';
import { type TableSet, bit } from './where.js';
import { type CteDef, type QueryProgram, findCte } from './nested.js';
import type { CompileEnv } from './program.js';
import { QuerySource, type RowSource, type SourceColumn, TableSource, WorkingSource } from './source.js';
import { ValueType, type SqlValue } from '../record/value.js';
import { truthValue } from '../value/convert.js';
import { isKnownSchema } from './schemas.js';
import { FunctionSource } from './table-function.js';
import { derivedNames, uniqueNames } from './derived-names.js';

/** A column that USING or NATURAL merged: the sources holding it, left first, and whether to coalesce. */
interface MergedColumn {
  parts: { source: RowSource; index: number }[];
  coalesce: boolean;
}

/** Name resolution over the sources of a FROM clause, then the enclosing scope. */
export class FromScope implements Scope {
  /** The sources resolved since the last reset, for placing WHERE terms. */
  used: TableSet = 0n;
  /** Per source, the lower-case names of columns USING hid behind an earlier source's copy. */
  readonly hidden: Set<string>[] = [];
  /** Merged USING columns by lower-case name. */
  readonly merged = new Map<string, MergedColumn>();

  constructor(
    readonly sources: RowSource[],
    readonly parent: Scope | null = null,
  ) {}

  column(ref: ColumnRef): Compiled | undefined {
    const local = this.local(ref);
    if (local) return local;
    return this.parent?.column(ref);
  }

  private local(ref: ColumnRef): Compiled | undefined {
    if (ref.schema && !isKnownSchema(ref.schema.name)) return undefined;
    if (!ref.table) {
      const merged = this.merged.get(ref.column.name.toLowerCase());
      if (merged) return this.mergedColumn(merged);
    }
    const found = this.find(ref);
    if (!found) return undefined;
    this.note(found.source);
    return found.source.column(found.index);
  }

  /** The source and column (-1: the rowid) `expr` names when it is a plain column of this FROM clause. */
  locate(expr: Expr): { source: number; column: number } | undefined {
    if (expr.kind !== 'column' || (expr.schema && !isKnownSchema(expr.schema.name))) return undefined;
    if (!expr.table && this.merged.has(expr.column.name.toLowerCase())) return undefined;
    const found = this.find(expr);
    return found && { source: this.sources.indexOf(found.source), column: found.index };
  }

  /** The source and column `ref` names among this FROM clause's sources (not merged columns); throws when ambiguous. */
  private find(ref: ColumnRef): { source: RowSource; index: number } | undefined {
    const name = ref.column.name;
    const lower = name.toLowerCase();
    let candidates = ref.table ? this.sources.filter((s) => s.alias.toLowerCase() === ref.table!.name.toLowerCase()) : this.sources;
    // `schema.table.column` picks the table of that schema (a stored table's columns say which).
    const schema = ref.schema?.name.toLowerCase();
    if (schema) candidates = candidates.filter((s) => sourceSchema(s) === schema);
    let found: { source: RowSource; index: number } | undefined;
    for (const source of candidates) {
      const index = source.columns.findIndex((c) => c.name.toLowerCase() === lower);
      if (index < 0) continue;
      if (found) throw new SqliteError('SQLITE_ERROR', `ambiguous column name: ${ref.table ? `${ref.table.name}.${name}` : name}`);
      found = { source, index };
    }
    if (found) return found;
    if (isRowidName(lower)) {
      const tables = candidates.filter((s) => s.hasRowid);
      if (tables.length === 1) return { source: tables[0]!, index: -1 };
      if (tables.length > 1) throw new SqliteError('SQLITE_ERROR', `ambiguous column name: ${name}`);
    }
    return undefined;
  }

  /** The evaluator of a merged USING column. */
  mergedColumn(merged: MergedColumn): Compiled {
    for (const part of merged.parts) this.note(part.source);
    const first = merged.parts[0]!.source.column(merged.parts[0]!.index);
    if (!merged.coalesce) return first;
    const fns = merged.parts.map((p) => p.source.column(p.index).fn);
    const fn = (): SqlValue => {
      for (let i = 0; i < fns.length; i++) {
        const v = fns[i]!();
        if (evalType !== ValueType.Null) return v;
      }
      return produce(ValueType.Null, null);
    };
    return { ...first, fn };
  }

  private note(source: RowSource): void {
    const i = this.sources.indexOf(source);
    if (i >= 0) this.used |= bit(i);
  }

  /** The source column `ref` names directly (for `columns()`), if it is one of this FROM clause's. */
  describe(ref: ColumnRef): SourceColumn | undefined {
    const lower = ref.column.name.toLowerCase();
    if (!ref.table) {
      const merged = this.merged.get(lower);
      if (merged?.coalesce) return undefined;
    }
    for (const source of this.sources) {
      if (ref.table && source.alias.toLowerCase() !== ref.table.name.toLowerCase()) continue;
      const hit = source.columns.find((c) => c.name.toLowerCase() === lower);
      if (hit) return hit;
    }
    return undefined;
  }

  /**
   * The name SQLite gives a result column that reads the rowid through `ref` (rowid, oid or
   * _rowid_, no real column of that name): the table's INTEGER PRIMARY KEY column, else "rowid".
   * Undefined when `ref` is not such a reference.
   */
  rowidName(ref: ColumnRef): string | undefined {
    const lower = ref.column.name.toLowerCase();
    if (!isRowidName(lower)) return undefined;
    if (!ref.table && this.merged.has(lower)) return undefined;
    for (const source of this.sources) {
      if (ref.table && source.alias.toLowerCase() !== ref.table.name.toLowerCase()) continue;
      if (source.columns.some((c) => c.name.toLowerCase() === lower)) return undefined;
      if (!source.hasRowid) continue;
      if (!(source instanceof TableSource) || source.table.rowidAlias < 0) return 'rowid';
      return source.table.columns[source.table.rowidAlias]!.name;
    }
    return undefined;
  }
}

/** The schema of a stored table source ('main' for other sources): its columns tell. */
function sourceSchema(source: RowSource): string {
  return source.columns[0]?.meta.database ?? 'main';
}

/**
 * The sources of a FROM clause as join loop levels, in FROM order, with their scope. The ON condition of
 * an inner join goes to `innerOn`, to be planned and checked like a WHERE term.
 */
export function buildFrom(from: FromClause, env: CompileEnv, cx: CompileContext, scope: FromScope, outer: Scope | null, innerOn: Expr[]): Level[] {
  const levels: Level[] = [];
  const pending: { level: Level; term: FromTerm }[] = [];
  for (const term of flattenGroups(from.terms)) {
    const source = openSource(term.source, env, outer);
    if (scope.sources.some((s) => s.alias.toLowerCase() === source.alias.toLowerCase() && sourceSchema(s) === sourceSchema(source))) {
      throw new SqliteError('SQLITE_ERROR', `ambiguous column name: ${source.alias}`);
    }
    scope.sources.push(source);
    scope.hidden.push(new Set());
    const type = term.join?.type;
    const level = newLevel(source, null, type === 'LEFT' || type === 'FULL', type === 'RIGHT' || type === 'FULL');
    levels.push(level);
    pending.push({ level, term });
  }
  // Join conditions are compiled once every source is known (ON may name any source of the join).
  pending.forEach(({ level, term }, i) => {
    if (level.source instanceof FunctionSource) level.source.bind(cx);
    const using = usingColumns(term, scope, i);
    const conditions: Compiled[] = [];
    for (const name of using) conditions.push(mergeUsing(scope, i, name, level.right));
    if (term.constraint?.kind === 'on') {
      const on = term.constraint.expr;
      if (!level.left && !level.right && using.length === 0) {
        innerOn.push(on);
        return;
      }
      level.onExpr = on;
      conditions.push(compileExpr(on, cx));
    }
    if (conditions.length > 0) level.on = allOf(conditions);
  });
  return levels;
}

/** A parenthesized join without an alias, read as if its terms were written in place. */
function flattenGroups(terms: FromTerm[]): FromTerm[] {
  const out: FromTerm[] = [];
  for (const term of terms) {
    const source = term.source;
    if (source.kind !== 'group') {
      out.push(term);
      continue;
    }
    const inner = flattenGroups(source.from.terms);
    if (!source.alias && inner.length === 1) {
      out.push({ ...inner[0]!, join: term.join, constraint: term.constraint });
      continue;
    }
    const innerJoin = !term.join || term.join.type === 'INNER' || term.join.type === 'CROSS';
    const onlyInner = inner.every((t) => !t.join || ((t.join.type === 'INNER' || t.join.type === 'CROSS') && !t.join.natural));
    const last = inner[inner.length - 1]!;
    if (source.alias || !innerJoin || !onlyInner || term.constraint?.kind === 'using' || (term.constraint && last.constraint?.kind === 'using')) {
      throw notSupported('parenthesized outer joins and aliased join groups in FROM');
    }
    // The group's own ON joins the same rows as an inner join's ON on its last term.
    const on = term.constraint?.kind === 'on' ? term.constraint.expr : null;
    inner.forEach((t, k) => {
      let constraint = t.constraint;
      if (k === inner.length - 1 && on) {
        const expr: Expr = constraint?.kind === 'on' ? { kind: 'binary', op: 'AND', left: constraint.expr, right: on, start: on.start, end: on.end } : on;
        constraint = { kind: 'on', expr, start: on.start, end: on.end };
      }
      out.push({ ...t, join: k === 0 ? term.join : t.join, constraint });
    });
  }
  return out;
}

/** The USING columns of term `i` (NATURAL: every column name it shares with the sources before it). */
function usingColumns(term: FromTerm, scope: FromScope, i: number): string[] {
  const right = scope.sources[i]!;
  if (term.join?.natural) {
    if (term.constraint) throw new SqliteError('SQLITE_ERROR', 'a NATURAL join may not have an ON or USING clause');
    return right.columns.map((c) => c.name).filter((name) => findLeft(scope, i, name) !== null);
  }
  if (term.constraint?.kind !== 'using') return [];
  return term.constraint.columns.map((c) => c.name);
}

/** The first source before `i` with a visible column `name`. */
function findLeft(scope: FromScope, i: number, name: string): { source: RowSource; index: number } | null {
  const lower = name.toLowerCase();
  for (let k = 0; k < i; k++) {
    if (scope.hidden[k]!.has(lower)) continue;
    const source = scope.sources[k]!;
    const index = source.columns.findIndex((c) => c.name.toLowerCase() === lower);
    if (index >= 0) return { source, index };
  }
  return null;
}

/** Merges USING column `name` of source `i` with the left side's; returns the equality to join on. */
function mergeUsing(scope: FromScope, i: number, name: string, coalesce: boolean): Compiled {
  const lower = name.toLowerCase();
  const right = scope.sources[i]!;
  const index = right.columns.findIndex((c) => c.name.toLowerCase() === lower);
  const left = findLeft(scope, i, name);
  if (index < 0 || !left) throw new SqliteError('SQLITE_ERROR', `cannot join using column ${name} - column not present in both tables`);
  scope.hidden[i]!.add(lower);
  const existing = scope.merged.get(lower);
  if (existing) {
    existing.parts.push({ source: right, index });
    existing.coalesce ||= coalesce;
  } else {
    scope.merged.set(lower, { parts: [left, { source: right, index }], coalesce });
  }
  return comparison('=', left.source.column(left.index), right.column(index));
}

/** The conjunction of join conditions. */
function allOf(conditions: Compiled[]): Compiled['fn'] {
  if (conditions.length === 1) return conditions[0]!.fn;
  const fns = conditions.map((c) => c.fn);
  return (): SqlValue => {
    let sawNull = false;
    for (const fn of fns) {
      const v = fn();
      if (evalType === ValueType.Null) sawNull = true;
      else if (truthValue(evalType, v) === false) return produce(ValueType.Integer, 0);
    }
    return sawNull ? produce(ValueType.Null, null) : produce(ValueType.Integer, 1);
  };
}

/** The row source a FROM term reads. */
function openSource(ref: TableSourceAst, env: CompileEnv, outer: Scope | null): RowSource {
  const nested = env.nested;
  switch (ref.kind) {
    case 'table': {
      const name = ref.name.name;
      const alias = ref.alias?.name ?? name;
      if (ref.schema && !isKnownSchema(ref.schema.name)) throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.schema.name}.${name}`);
      const cte = ref.schema ? undefined : findCte(nested?.ctes ?? null, name);
      if (cte) return cteSource(cte, alias, env, outer);
      const schema = ref.schema?.name;
      const found = env.catalog.table(name, schema);
      const view = env.catalog.view(name, schema);
      // Unqualified, a temp view hides a main table of the same name.
      const table = found && !(view?.temp && !found.temp) ? found : undefined;
      if (table) {
        if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
        return new TableSource(table, alias, indexHintOf(ref));
      }
      if (view && nested) {
        const program = nested.compileQuery(view.select, { ...env, sql: view.sql, nested: { ...nested, ctes: null } }, null);
        if (view.columns && view.columns.length !== program.columns.length) {
          throw new SqliteError('SQLITE_ERROR', `expected ${view.columns.length} columns for '${view.name}' but got ${program.columns.length}`);
        }
        return querySource(alias, view.columns, program, view.select, false);
      }
      throw new SqliteError('SQLITE_ERROR', `no such table: ${schema ? `${schema}.` : env.trigger ? 'main.' : ''}${name}`);
    }
    case 'subquery': {
      if (!nested) throw notSupported('subqueries in FROM');
      const program = nested.compileQuery(ref.select, env, outer);
      return querySource(ref.alias?.name ?? `(subquery-${ref.start})`, null, program, ref.select, true);
    }
    case 'tableFunction':
      if (ref.schema && ref.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.schema.name}.${ref.name.name}`);
      return new FunctionSource(ref, ref.alias?.name ?? ref.name.name);
    default:
      throw notSupported('aliased join groups in FROM');
  }
}

/** A reference to a common table expression: its current row inside its own recursive part, else its rows. */
function cteSource(cte: CteDef, alias: string, env: CompileEnv, outer: Scope | null): RowSource {
  const nested = env.nested!;
  if (cte.recursive) {
    const table = cte.recursive;
    const columns = table.names.map((name, i) => ({ name, ...table.traits[i]!, meta: { column: null, table: null, database: null, type: null } }));
    return new WorkingSource(alias, columns, table);
  }
  const program = nested.compileCte(cte, env, outer);
  return querySource(alias, cte.columns, program, cte.select, true);
}

/** A query read as a table: its columns named by `names` when given, else as SQLite derives them from `select`. */
function querySource(alias: string, names: string[] | null, program: QueryProgram, select: Select, namedBeforeResolution: boolean): QuerySource {
  const unique = names ? uniqueNames(names) : derivedNames(select.first, program.columns, namedBeforeResolution);
  const columns = program.columns.map((_, i) => {
    const traits = program.traits[i]!;
    const meta = program.meta[i]!;
    return {
      name: unique[i]!,
      affinity: traits.affinity,
      collation: traits.collation,
      meta: { column: meta.column, table: meta.table, database: meta.database, type: meta.type },
    };
  });
  return new QuerySource(alias, columns, program);
}

/** Expands `*` or `table.*` into evaluators and metadata, merging USING columns as SQLite does. */
export function expandStar(
  scope: FromScope,
  table: string | null,
  add: (name: string, column: SourceColumn | undefined, compiled: Compiled, expr: Expr | null) => void,
): void {
  const sources = scope.sources;
  if (sources.length === 0) throw new SqliteError('SQLITE_ERROR', 'no tables specified');
  const chosen = table === null ? sources : sources.filter((s) => s.alias.toLowerCase() === table.toLowerCase());
  if (chosen.length === 0) throw new SqliteError('SQLITE_ERROR', `no such table: ${table}`);
  for (const source of chosen) {
    const k = sources.indexOf(source);
    source.columns.forEach((column, index) => {
      if (source instanceof FunctionSource && index >= source.columns.length - source.hidden) return;
      const lower = column.name.toLowerCase();
      if (table === null && scope.hidden[k]!.has(lower)) return;
      const merged = table === null ? scope.merged.get(lower) : undefined;
      if (merged && merged.parts[0]!.source === source) {
        add(column.name, merged.coalesce ? undefined : column, scope.mergedColumn(merged), null);
        return;
      }
      add(column.name, column, source.column(index), null);
    });
  }
}

/** What `INDEXED BY name` (the name) or `NOT INDEXED` (null) after a table says; undefined for neither. */
export function indexHintOf(ref: TableRef): string | null | undefined {
  return ref.indexed ? (ref.indexed.index?.name ?? null) : undefined;
}
