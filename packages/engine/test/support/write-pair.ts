/**
 * A Hearth database and a SQLite database driven with the same statements, for differential tests of
 * the write side. Hearth writes a real file (NodeVfs, rollback journal); SQLite works in memory. Each
 * statement's outcome (rows changed and last insert rowid, or the error message) is returned from both;
 * `finish` closes Hearth and checks its file with SQLite's `PRAGMA integrity_check` (which also checks
 * that every index holds exactly the entries its table's rows call for), with Hearth's own
 * `checkIntegrity`, compares `sqlite_schema` with SQLite's row for row, and reads every index B-tree of
 * both files to compare their entries.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Database } from '../../src/api/database.js';
import { Btree } from '../../src/btree/btree.js';
import { checkIntegrity } from '../../src/btree/integrity.js';
import { NodeVfs } from '../../src/vfs/node.js';
import { hearthIndexEntries } from './sqlite-oracle.js';
import { typedRows } from './typed-values.js';

export const vfs = new NodeVfs();

/** What a statement did: `changes/lastInsertRowid`, or `error: message`. */
export type Outcome = string;

function outcome(run: () => { changes: number; lastInsertRowid: number | bigint }): Outcome {
  try {
    const r = run();
    return `${r.changes}/${r.lastInsertRowid}`;
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

export class WritePair {
  readonly hearth: Database;
  readonly sqlite: BetterSqlite3.Database;

  readonly sqliteFile: string;

  /** `sqliteFile`: SQLite's database (a copy of Hearth's starting file), else a new file beside Hearth's. */
  constructor(
    readonly file: string,
    sqliteFile = `${file}-sqlite`,
  ) {
    this.sqliteFile = sqliteFile;
    this.hearth = new Database(file, { vfs, journalMode: 'delete', synchronous: 'off' });
    this.sqlite = new BetterSqlite3(sqliteFile);
    this.sqlite.pragma('synchronous = off');
  }

  /** Runs `sql` on both; returns [hearth, sqlite] outcomes. */
  run(sql: string, params: unknown[] = []): [Outcome, Outcome] {
    return [outcome(() => this.hearth.prepare(sql).run(...params)), outcome(() => this.sqlite.prepare(sql).run(...params))];
  }

  /** Runs `sql` (a query) on both; returns [hearth, sqlite] rows, values tagged with their storage class. */
  query(sql: string): [string[][], string[][]] {
    const h = this.hearth.prepare(sql).raw().safeIntegers().all() as unknown[][];
    const s = this.sqlite.prepare(sql).raw().safeIntegers().all() as unknown[][];
    return [typedRows(h), typedRows(s)];
  }

  /** `SELECT rowid, * FROM table ORDER BY rowid` on both. */
  table(name: string): [string[][], string[][]] {
    return this.query(`SELECT rowid, * FROM ${name} ORDER BY rowid`);
  }

  /**
   * Closes both; returns SQLite's integrity_check of Hearth's file, Hearth's own check, and both
   * schemas (type, name, tbl_name, rootpage, sql per row).
   */
  finish(): { sqliteCheck: string[]; hearthCheck: string[]; schemas: [unknown[][], unknown[][]]; indexes: [IndexEntries, IndexEntries] } {
    const schemaSql = 'SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY rowid';
    const expected = this.sqlite.prepare(schemaSql).raw().all() as unknown[][];
    this.sqlite.close();
    this.hearth.close();
    const reopened = new BetterSqlite3(this.file, { readonly: true });
    const sqliteCheck = (reopened.prepare('PRAGMA integrity_check').raw().all() as string[][]).map((r) => r[0]!);
    const actual = reopened.prepare(schemaSql).raw().all() as unknown[][];
    const fields = new Map<string, number>();
    for (const [name] of reopened.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'").raw().all() as string[][]) {
      fields.set(name!, (reopened.prepare('SELECT count(*) FROM pragma_index_xinfo(?)').pluck().get(name) as number));
    }
    reopened.close();
    const bt = Btree.open(vfs, this.file, { journalMode: 'delete' });
    bt.beginRead();
    const hearthCheck = checkIntegrity(bt);
    bt.endRead();
    bt.close();
    return { sqliteCheck, hearthCheck, schemas: [actual, expected], indexes: [indexEntries(this.file, fields), indexEntries(this.sqliteFile, fields)] };
  }
}

/** Every index's entries, by index name, numbers in one form (SQLite stores whole REALs as INTEGERs). */
export type IndexEntries = Record<string, string[][]>;

function indexEntries(file: string, fields: Map<string, number>): IndexEntries {
  const schema = new BetterSqlite3(file, { readonly: true });
  const roots = schema.prepare("SELECT name, rootpage FROM sqlite_schema WHERE type = 'index'").raw().all() as [string, number][];
  schema.close();
  const out: IndexEntries = {};
  const bt = Btree.open(vfs, file, { readonly: true });
  bt.beginRead();
  try {
    for (const [name, root] of roots) out[name] = hearthIndexEntries(bt, root, fields.get(name)!).map((entry) => entry.map(sameNumber));
  } finally {
    bt.endRead();
    bt.close();
  }
  return out;
}

function sameNumber(canonical: string): string {
  if (!canonical.startsWith('real:')) return canonical;
  const v = Number(canonical.slice(5));
  return Number.isInteger(v) && Math.abs(v) < 2 ** 47 && !Object.is(v, -0) ? `int:${v}` : canonical;
}

/** A fresh file name in `dir`. */
export function freshFile(dir: string, name: string): string {
  const file = path.join(dir, `${name}.db`);
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}-sqlite`, { force: true });
  return file;
}
