/**
 * Scripts run statement by statement on Hearth (writing a real file) and on SQLite, for differential
 * tests of writes and schema changes: each statement's outcome must agree — the rows of a statement
 * that returns rows (values tagged with their storage class), else its change count and last insert
 * rowid, or the error message — and at the end Hearth's file must pass SQLite's integrity_check and
 * Hearth's own, with the same sqlite_schema as SQLite's (root pages aside unless asked) and the same
 * index entries.
 */
import * as fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { expect } from 'vitest';
import { typedRows } from './typed-values.js';
import { WritePair, freshFile } from './write-pair.js';

function attempt(run: () => unknown): unknown {
  try {
    return run();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** What one statement did on one engine. */
function step(db: { prepare(sql: string): { reader: boolean; raw(): { safeIntegers(): { all(): unknown[] } }; run(): { changes: number; lastInsertRowid: number | bigint } } }, sql: string): unknown {
  return attempt(() => {
    const st = db.prepare(sql);
    // better-sqlite3 calls an ALTER TABLE that checks existing rows a reader (SQLite runs a query for it).
    if (st.reader && !/^\s*ALTER\b/i.test(sql)) return typedRows(st.raw().safeIntegers().all() as unknown[][]);
    const r = st.run();
    return `${r.changes}/${r.lastInsertRowid}`;
  });
}

export interface ScriptOptions {
  /** Compare root page numbers of the schemas too. */
  sameRoots?: boolean;
  /**
   * Statements SQLite runs on the file before both engines open it (each side then starts from a copy):
   * for schema objects Hearth cannot create itself yet, such as triggers.
   */
  preparedBySqlite?: string[];
  /** Schema rows (by name) SQLite may have that Hearth does not write, left out of the comparison. */
  sqliteOnly?: string[];
}

/** Runs `script` on both engines in a fresh file under `dir`; expects every outcome and the final files to agree. */
export function agreeScript(dir: string, name: string, script: string[], options: ScriptOptions = {}): void {
  const file = freshFile(dir, name);
  if (options.preparedBySqlite) {
    const db = new BetterSqlite3(file);
    db.exec(options.preparedBySqlite.join(';\n'));
    db.close();
    fs.copyFileSync(file, `${file}-sqlite`);
  }
  const pair = new WritePair(file);
  for (const sql of script) {
    const h = step(pair.hearth as never, sql);
    const s = step(pair.sqlite as never, sql);
    expect(h, sql).toEqual(s);
  }
  const { sqliteCheck, hearthCheck, schemas, indexes } = pair.finish();
  expect(sqliteCheck).toEqual(['ok']);
  expect(hearthCheck).toEqual([]);
  expect(indexes[0]).toEqual(indexes[1]);
  const skipped = new Set(options.sqliteOnly ?? []);
  schemas[1] = schemas[1].filter((row) => !skipped.has(row[1] as string));
  const withoutRoots = (rows: unknown[][]): unknown[][] => rows.map((row) => row.filter((_, i) => i !== 3));
  if (options.sameRoots) expect(schemas[0]).toEqual(schemas[1]);
  else expect(withoutRoots(schemas[0])).toEqual(withoutRoots(schemas[1]));
}
