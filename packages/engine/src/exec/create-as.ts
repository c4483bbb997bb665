/**
 * CREATE TABLE … AS SELECT: a new table whose columns are the query's result columns, filled with its
 * rows (rowids 1, 2, …).
 *
 * The table's definition is what SQLite derives and stores: each column is named as the leftmost SELECT
 * names it (an alias; a column reference, under COLLATE too, by the column's name; else the expression's
 * text; a `*` by the columns it stands for), a name used before taking `:N` from one counter shared by
 * the whole list; its declared type comes from the result's affinity (INTEGER "INT", REAL "REAL", TEXT
 * "TEXT", NUMERIC "NUM", none ""). The stored text is `CREATE TABLE name(col TYPE,…)`, names bare or
 * double-quoted as SQLite writes them, one column per line when the names are long.
 */
import type { Btree } from '../btree/btree.js';
import { ValueType } from '../record/value.js';
import { createTable } from '../schema/schema.js';
import type { CreateTableStmt, Select } from '../sql/ast.js';
import { parse } from '../sql/index.js';
import { writtenIdentifier } from '../sql/quote.js';
import { tableInfo } from '../plan/catalog.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import type { ColumnTraits } from './nested.js';
import { type CompileEnv, type Program, writeProgram } from './program.js';
import { RowImage } from './rowscope.js';
import { TableWriter } from './rowwrite.js';

/** Compiles CREATE TABLE … AS; `checkNew` throws when the name may not be created (run at execution). */
export function compileCreateTableAs(stmt: CreateTableStmt, env: CompileEnv, checkNew: () => boolean): Program {
  const select = stmt.asSelect!;
  const program = env.nested!.compileQuery(select, env, null);
  const names = uniqueNames(resultNames(select, program.columns, env.sql));
  const sql = tableText(stmt.name.name, names, program.traits);
  const [parsed] = parse(sql);
  const cx = { bindings: env.bindings, functions: env.functions };
  return writeProgram((bt: Btree) => {
    if (!checkNew()) return;
    const info = tableInfo(parsed as CreateTableStmt, sql, createTable(bt, stmt.name.name, sql));
    const writer = new TableWriter(info, cx);
    const row = new RowImage(names.length);
    program.open(bt, { changes: 0, lastInsertRowid: 0 });
    writer.open(bt);
    try {
      let rowid = 0;
      while (program.step()) {
        for (let i = 0; i < names.length; i++) {
          row.values[i] = applyAffinity(info.columns[i]!.affinity, program.types[i] as ValueType, program.values[i]!);
          row.types[i] = convertedType;
        }
        row.rowid = ++rowid;
        writer.write(row, null, null);
      }
    } finally {
      writer.close();
      program.close();
    }
  });
}

/** The names the leftmost SELECT gives its columns, as CREATE TABLE … AS takes them. */
function resultNames(select: Select, programNames: readonly string[], sql: string): string[] {
  const core = select.first;
  if (core.kind !== 'simpleSelect' || core.columns.some((c) => c.kind !== 'expr')) return [...programNames];
  return core.columns.map((c) => {
    if (c.kind !== 'expr') return '';
    if (c.alias) return c.alias.name;
    let expr = c.expr;
    while (expr.kind === 'collate') expr = expr.operand;
    if (expr.kind === 'column') return expr.column.name;
    return sql.slice(c.start, c.end);
  });
}

/** Renames repeated names (ignoring case) to `name:N`, N from one counter, any `:digits` ending dropped first. */
function uniqueNames(names: string[]): string[] {
  const used = new Set<string>();
  let counter = 0;
  return names.map((name) => {
    let chosen = name;
    if (used.has(chosen.toLowerCase())) {
      const base = name.replace(/:[0-9]+$/, '');
      do chosen = `${base}:${++counter}`;
      while (used.has(chosen.toLowerCase()));
    }
    used.add(chosen.toLowerCase());
    return chosen;
  });
}

const TYPE_OF_AFFINITY: Record<Affinity, string> = {
  [Affinity.None]: '',
  [Affinity.Blob]: '',
  [Affinity.Text]: ' TEXT',
  [Affinity.Numeric]: ' NUM',
  [Affinity.Integer]: ' INT',
  [Affinity.Real]: ' REAL',
};

/** The CREATE TABLE text SQLite stores for the new table. */
function tableText(name: string, columns: string[], traits: readonly ColumnTraits[]): string {
  // SQLite measures each name quoted (inner quotes doubled), plus 5 per column.
  const measure = (n: string): number => n.length + (n.match(/"/g)?.length ?? 0) + 2;
  const size = measure(name) + columns.reduce((sum, c) => sum + measure(c) + 5, 0);
  const [first, between, end] = size < 50 ? ['', ',', ')'] : ['\n  ', ',\n  ', '\n)'];
  const body = columns.map((c, i) => `${writtenIdentifier(c)}${TYPE_OF_AFFINITY[traits[i]!.affinity]}`).join(between);
  return `CREATE TABLE ${writtenIdentifier(name)}(${first}${body}${end}`;
}

