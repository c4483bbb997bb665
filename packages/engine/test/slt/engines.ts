// Engines the sqllogictest runner can drive, chosen by the environment variable HEARTH_SLT_ENGINE:
//   hearth  Hearth's own SQL engine (src/api/database.ts), on a fresh in-memory database (the default)
//   sqlite  real SQLite through better-sqlite3: validates the runner and the corpus

import Database from 'better-sqlite3';
import { Database as HearthDatabase } from '../../src/api/database.js';

import type { SltEngine, SltQueryResult } from './runner.js';

export type SltEngineName = 'sqlite' | 'hearth';

export const ENGINE_NAMES: readonly SltEngineName[] = ['sqlite', 'hearth'];

/** The affinity letter of a declared column type, by SQLite's rules ('?' for an expression). */
function affinityLetter(declared: string | null): string {
  if (declared === null) return '?';
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'I';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'T';
  if (t === '' || t.includes('BLOB')) return 'B';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'R';
  return 'N';
}

/** Real SQLite (better-sqlite3) on an in-memory database; integers come back as bigint. */
export class BetterSqlite3Engine implements SltEngine {
  readonly name = 'sqlite';
  private readonly db: Database.Database;

  constructor() {
    this.db = new Database(':memory:');
    this.db.defaultSafeIntegers(true);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  query(sql: string): SltQueryResult {
    const stmt = this.db.prepare(sql); // errors here are preparation errors: they throw
    if (!stmt.reader) {
      // Not a query: run it, and report that it returns no columns.
      stmt.run();
      return { types: '', rows: [] };
    }
    const types = stmt.columns().map((c) => affinityLetter(c.type)).join('');
    stmt.raw(true);
    try {
      return { types, rows: stmt.all() as unknown[][] };
    } catch (e) {
      // An error while stepping. Run the query again row by row to keep the rows produced before the
      // error, as the reference runner does (a query has no side effects, so running it twice is safe).
      const rows: unknown[][] = [];
      try {
        for (const row of stmt.iterate()) rows.push(row as unknown[]);
      } catch {
        // the same error again
      }
      return { types, rows, stepError: e instanceof Error ? e.message : String(e) };
    }
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Hearth's SQL engine over a fresh in-memory database. It answers to "sqlite" (it is SQLite-compatible,
 * so it runs the records meant for SQLite). Statements it cannot run yet fail as errors, which the
 * runner counts as failures.
 */
export class HearthEngine implements SltEngine {
  readonly name = 'sqlite';
  private readonly db = new HearthDatabase();

  exec(sql: string): void {
    this.db.exec(sql);
  }

  query(sql: string): SltQueryResult {
    const stmt = this.db.prepare(sql);
    if (!stmt.reader) {
      stmt.run();
      return { types: '', rows: [] };
    }
    const types = stmt.columns().map((c) => affinityLetter(c.type)).join('');
    stmt.raw(true).safeIntegers(true);
    // An error while stepping keeps the rows produced before it, as with SQLite above.
    const rows: unknown[][] = [];
    try {
      for (const row of stmt.iterate()) rows.push(row as unknown[]);
    } catch (e) {
      return { types, rows, stepError: e instanceof Error ? e.message : String(e) };
    }
    return { types, rows };
  }

  close(): void {
    this.db.close();
  }
}

export function createHearthEngine(): SltEngine {
  return new HearthEngine();
}

/** Creates a fresh engine (an empty database) of the given kind. */
export function createEngine(name: SltEngineName): SltEngine {
  switch (name) {
    case 'sqlite':
      return new BetterSqlite3Engine();
    case 'hearth':
      return createHearthEngine();
  }
}

/** The engine kind named by HEARTH_SLT_ENGINE (default "sqlite"); throws on an unknown name. */
export function engineNameFromEnv(env: NodeJS.ProcessEnv = process.env): SltEngineName {
  const raw = (env['HEARTH_SLT_ENGINE'] ?? '').trim().toLowerCase();
  if (raw === '') return 'hearth';
  if ((ENGINE_NAMES as readonly string[]).includes(raw)) return raw as SltEngineName;
  throw new Error(`HEARTH_SLT_ENGINE must be one of ${ENGINE_NAMES.join(', ')}, not '${raw}'`);
}

/** A factory of fresh engines of the kind HEARTH_SLT_ENGINE names. */
export function engineFactoryFromEnv(env: NodeJS.ProcessEnv = process.env): () => SltEngine {
  const name = engineNameFromEnv(env);
  return () => createEngine(name);
}
