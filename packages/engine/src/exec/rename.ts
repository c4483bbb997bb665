/**
 * Finding, in the stored SQL of a schema object, the identifier tokens that name a given table or a
 * given column of it — what ALTER TABLE … RENAME rewrites (and DROP COLUMN must find none of outside
 * the column itself). The statement is parsed, and names are resolved as SQLite resolves them, with
 * scopes:
 *
 * - a table: the table name of CREATE TABLE, CREATE INDEX … ON, CREATE TRIGGER … ON, REFERENCES, a
 *   FROM clause (unless a common table expression of the statement has the name), INSERT INTO,
 *   UPDATE, DELETE FROM, `x IN table`, and a column qualifier that resolves to the table itself (not
 *   to an alias of it);
 * - a column: its definition, PRIMARY KEY/UNIQUE/FOREIGN KEY column lists, REFERENCES table(columns),
 *   index columns, `UPDATE OF`, INSERT column lists, SET targets, and every column reference that
 *   resolves to the table's column: qualified by the table or an alias of it (NEW and OLD in a
 *   trigger on the table), or unqualified where the nearest query level that has such a column is
 *   one reading the table.
 *
 * The result is the identifiers' spans in the text; the caller edits the text, so everything else in it
 * (case, spacing, comments, quoting of other names) stays as written.
 */
import type {
  ColumnConstraint,
  CreateTableStmt,
  Expr,
  ForeignKeyClause,
  FromClause,
  Identifier,
  OrderingTerm,
  ResultColumn,
  Select,
  Statement,
  TableConstraint,
  UpsertClause,
  WindowSpec,
} from '../sql/ast.js';
import { forEachChild } from '../sql/walk.js';

/** What is looked for: table `table`, or (with `column`) that column of it. */
export interface NameTarget {
  table: string;
  column: string | null;
}

/** A row source of a query level: a stored table (by name), or something else (columns unknown). */
interface Source {
  table: string | null;
  alias: string | null;
}

/** The columns of a stored table, lower case, for resolving unqualified names; null when unknown. */
export type ColumnsOf = (table: string) => readonly string[] | null;

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export class NameFinder {
  readonly found: Identifier[] = [];
  private readonly scopes: Source[][] = [];
  private ctes = new Set<string>();

  constructor(
    private readonly target: NameTarget,
    private readonly columnsOf: ColumnsOf,
  ) {}

  private isTable(name: string | null): boolean {
    return name !== null && same(name, this.target.table);
  }

  private isColumn(name: string): boolean {
    return this.target.column !== null && same(name, this.target.column);
  }

  /** Notes a table name in a place that always names a stored table. */
  private tableName(id: Identifier, schema: Identifier | null = null): void {
    if (this.target.column === null && this.isTable(id.name) && (!schema || same(schema.name, 'main'))) this.found.push(id);
  }

  /** Notes columns listed for table `table`. */
  private columnNames(table: string, ids: readonly Identifier[] | null): void {
    if (!ids || !this.isTable(table)) return;
    for (const id of ids) if (this.isColumn(id.name)) this.found.push(id);
  }

  private within(sources: Source[], visit: () => void): void {
    this.scopes.push(sources);
    try {
      visit();
    } finally {
      this.scopes.pop();
    }
  }

  statement(stmt: Statement): void {
    switch (stmt.kind) {
      case 'createTable':
        this.createTable(stmt);
        return;
      case 'createIndex':
        this.tableName(stmt.table);
        this.within([{ table: stmt.table.name, alias: null }], () => {
          for (const term of stmt.columns) this.expr(term.expr);
          if (stmt.where) this.expr(stmt.where);
        });
        return;
      case 'createView':
        this.select(stmt.select);
        return;
      case 'createTrigger': {
        this.tableName(stmt.table, stmt.tableSchema);
        this.columnNames(stmt.table.name, stmt.columns);
        const rows: Source[] = [
          { table: stmt.table.name, alias: 'new' },
          { table: stmt.table.name, alias: 'old' },
        ];
        this.within(rows, () => {
          if (stmt.when) this.expr(stmt.when);
          for (const s of stmt.body) this.statement(s);
        });
        return;
      }
      case 'select':
        this.select(stmt);
        return;
      case 'insert': {
        if (stmt.with) this.withClause(stmt.with.ctes);
        this.tableName(stmt.table, stmt.schema);
        this.columnNames(stmt.table.name, stmt.columns);
        if (stmt.select) this.select(stmt.select);
        const target: Source = { table: stmt.table.name, alias: stmt.alias?.name ?? null };
        this.within([target, { table: stmt.table.name, alias: 'excluded' }], () => {
          for (const clause of stmt.upsert) this.upsert(clause, stmt.table.name);
        });
        this.within([target], () => this.resultColumns(stmt.returning));
        return;
      }
      case 'update':
      case 'delete': {
        if (stmt.with) this.withClause(stmt.with.ctes);
        this.tableName(stmt.table.name, stmt.table.schema);
        const sources: Source[] = [{ table: stmt.table.name.name, alias: stmt.table.alias?.name ?? null }];
        if (stmt.kind === 'update' && stmt.from) sources.push(...this.fromSources(stmt.from));
        this.within(sources, () => {
          if (stmt.kind === 'update') {
            for (const a of stmt.set) {
              this.columnNames(stmt.table.name.name, a.columns);
              this.expr(a.value);
            }
          }
          if (stmt.where) this.expr(stmt.where);
          for (const term of stmt.orderBy) this.expr(term.expr);
          this.resultColumns(stmt.returning);
        });
        return;
      }
      default:
        return;
    }
  }

  private createTable(stmt: CreateTableStmt): void {
    const name = stmt.name.name;
    this.tableName(stmt.name, stmt.schema);
    if (stmt.asSelect) this.select(stmt.asSelect);
    this.within([{ table: name, alias: null }], () => {
      for (const def of stmt.columns) {
        if (this.isTable(name) && this.isColumn(def.name.name)) this.found.push(def.name);
        for (const c of def.constraints) this.constraint(c, name);
      }
      for (const c of stmt.constraints) this.constraint(c, name);
    });
  }

  private constraint(c: ColumnConstraint | TableConstraint, table: string): void {
    switch (c.kind) {
      case 'check':
      case 'generated':
        this.expr(c.expr);
        return;
      case 'primaryKey':
      case 'unique':
        if ('columns' in c) for (const term of c.columns as OrderingTerm[]) this.expr(term.expr);
        return;
      case 'foreignKey':
        this.columnNames(table, c.columns);
        this.foreignKey(c.foreignKey);
        return;
      case 'references':
        this.foreignKey(c.foreignKey);
        return;
      default:
        return;
    }
  }

  private foreignKey(fk: ForeignKeyClause): void {
    this.tableName(fk.table);
    this.columnNames(fk.table.name, fk.columns);
  }

  private upsert(clause: UpsertClause, table: string): void {
    for (const term of clause.target ?? []) this.expr(term.expr);
    if (clause.targetWhere) this.expr(clause.targetWhere);
    for (const a of clause.set ?? []) {
      this.columnNames(table, a.columns);
      this.expr(a.value);
    }
    if (clause.where) this.expr(clause.where);
  }

  private withClause(ctes: readonly { name: Identifier; select: Select }[]): void {
    for (const cte of ctes) this.ctes.add(cte.name.name.toLowerCase());
    for (const cte of ctes) this.select(cte.select);
  }

  private select(select: Select): void {
    if (select.with) this.withClause(select.with.ctes);
    const cores = [select.first, ...select.compounds.map((c) => c.select)];
    cores.forEach((core, i) => {
      if (core.kind === 'values') {
        for (const row of core.rows) row.forEach((e) => this.expr(e));
        return;
      }
      const sources = core.from ? this.fromSources(core.from) : [];
      this.within(sources, () => {
        this.resultColumns(core.columns);
        if (core.from) this.joinConstraints(core.from);
        if (core.where) this.expr(core.where);
        core.groupBy.forEach((e) => this.expr(e));
        if (core.having) this.expr(core.having);
        for (const def of core.windows) this.window(def.window);
        // ORDER BY of a lone SELECT may read its FROM sources.
        if (i === 0 && select.compounds.length === 0) for (const term of select.orderBy) this.expr(term.expr);
      });
    });
    if (select.compounds.length > 0) for (const term of select.orderBy) this.expr(term.expr);
    if (select.limit) {
      this.expr(select.limit.count);
      if (select.limit.offset) this.expr(select.limit.offset);
    }
  }

  /** The sources of a FROM clause; subqueries in it are searched on the way. */
  private fromSources(from: FromClause): Source[] {
    const sources: Source[] = [];
    for (const term of from.terms) {
      const s = term.source;
      if (s.kind === 'table') {
        const cte = s.schema === null && this.ctes.has(s.name.name.toLowerCase());
        if (!cte) this.tableName(s.name, s.schema);
        sources.push({ table: cte ? null : s.name.name, alias: s.alias?.name ?? null });
      } else if (s.kind === 'subquery') {
        this.select(s.select);
        sources.push({ table: null, alias: s.alias?.name ?? null });
      } else if (s.kind === 'group') {
        sources.push(...this.fromSources(s.from));
      } else {
        s.args.forEach((e) => this.expr(e));
        sources.push({ table: null, alias: s.alias?.name ?? s.name.name });
      }
    }
    return sources;
  }

  private joinConstraints(from: FromClause): void {
    for (const term of from.terms) {
      if (term.constraint?.kind === 'on') this.expr(term.constraint.expr);
      if (term.source.kind === 'group') this.joinConstraints(term.source.from);
    }
  }

  private resultColumns(columns: ResultColumn[] | null): void {
    for (const c of columns ?? []) if (c.kind === 'expr') this.expr(c.expr);
  }

  private expr(e: Expr): void {
    switch (e.kind) {
      case 'column':
        this.columnRef(e.table, e.column, e.schema);
        return;
      case 'subquery':
      case 'exists':
        this.select(e.select);
        return;
      case 'in':
        this.expr(e.operand);
        if (e.values.kind === 'select') this.select(e.values);
        else if (e.values.kind === 'inTable') {
          this.tableName(e.values.name, e.values.schema);
          e.values.args?.forEach((a) => this.expr(a));
        } else e.values.items.forEach((a) => this.expr(a));
        return;
      case 'function':
        if (e.over && e.over.kind === 'window') this.window(e.over);
        forEachChild(e, (child) => this.expr(child));
        return;
      default:
        forEachChild(e, (child) => this.expr(child));
    }
  }

  private window(spec: WindowSpec): void {
    spec.partitionBy.forEach((e) => this.expr(e));
    for (const term of spec.orderBy) this.expr(term.expr);
  }

  private columnRef(qualifier: Identifier | null, column: Identifier, schema: Identifier | null): void {
    if (schema && !same(schema.name, 'main')) return;
    if (qualifier) {
      const source = this.resolveQualifier(qualifier.name);
      if (!source || !this.isTable(source.table)) return;
      if (this.target.column === null) {
        if (source.alias === null) this.found.push(qualifier);
      } else if (this.isColumn(column.name)) this.found.push(column);
      return;
    }
    if (!this.isColumn(column.name)) return;
    for (let level = this.scopes.length - 1; level >= 0; level--) {
      const sources = this.scopes[level]!.filter((s) => s.alias !== 'new' && s.alias !== 'old' && s.alias !== 'excluded');
      if (sources.some((s) => this.isTable(s.table))) {
        this.found.push(column);
        return;
      }
      const lower = column.name.toLowerCase();
      if (sources.some((s) => s.table !== null && this.columnsOf(s.table)?.includes(lower))) return;
    }
  }

  /** The source a qualifier names, innermost level first. */
  private resolveQualifier(name: string): Source | undefined {
    for (let level = this.scopes.length - 1; level >= 0; level--) {
      const found = this.scopes[level]!.find((s) => same(s.alias ?? s.table ?? '', name));
      if (found) return found;
    }
    return undefined;
  }
}

/** The spans of the identifiers in `stmt` that name `target`, in text order, each once. */
export function namesOf(stmt: Statement, target: NameTarget, columnsOf: ColumnsOf): Identifier[] {
  const finder = new NameFinder(target, columnsOf);
  finder.statement(stmt);
  const unique = new Map<number, Identifier>();
  for (const id of finder.found) unique.set(id.start, id);
  return [...unique.values()].sort((a, b) => a.start - b.start);
}

/** `sql` with each of `ids` (spans into it) replaced by `replacement(id)`. */
export function replaceNames(sql: string, ids: readonly Identifier[], replacement: (id: Identifier) => string): string {
  let out = '';
  let at = 0;
  for (const id of ids) {
    out += sql.slice(at, id.start) + replacement(id);
    at = id.end;
  }
  return out + sql.slice(at);
}
