/**
 * One differential case: a scenario (schema, data, indexes) and a statement, run on SQLite and on the
 * engine under test. Used by the harness (which reuses a scenario's databases for many statements)
 * and by the reducer (which builds fresh databases for every candidate).
 *
 * Hearth's "not supported yet: …" errors make a statement skipped, never passed: `unsupported` holds
 * the construct named after the prefix.
 */
import { type Mismatch, type RowMode, type Verdict, compareOutcomes, describe } from './compare.js';
import { type Engine, type Outcome, execOutcome, queryOutcome, sqliteEngine, writeOutcome } from './engines.js';
import type { Scenario } from './schema.js';
import { setupStatements } from './schema.js';
import { type SqlNode, find, render } from './sql-node.js';
import { sqlLiteral } from './values.js';

const NOT_SUPPORTED = 'not supported yet: ';

export interface CaseResult {
  verdict: Verdict;
  sqlite: Outcome;
  subject: Outcome;
  /** The construct Hearth does not support yet, when it said so. */
  unsupported: string | null;
}

/** The construct named by a "not supported yet" error, else null. */
export function unsupportedConstruct(o: Outcome | undefined): string | null {
  if (!o || o.kind !== 'error' || !o.message.startsWith(NOT_SUPPORTED)) return null;
  return o.message.slice(NOT_SUPPORTED.length);
}

/** How the rows of `stmt` are compared. */
export function rowMode(stmt: SqlNode): RowMode {
  const orderBy = find(stmt, (n) => n.tag === 'orderBy');
  return {
    ordered: orderBy !== undefined && orderBy.kids.length > 0,
    limited: find(stmt, (n) => n.tag === 'limit') !== undefined,
    dedup: find(stmt, (n) => n.tag === 'distinct' || n.tag === 'setop' || (n.tag === 'groupBy' && n.kids.length > 0)) !== undefined,
  };
}

/** A scenario's databases on both sides. */
export class Pair {
  readonly sqlite: Engine = sqliteEngine();
  readonly subject: Engine;
  /** Setup statements Hearth does not support yet (skipped on both sides), by construct. */
  readonly unsupported: string[] = [];
  /** A setup statement whose outcome differs, if any. */
  setupMismatch: { sql: string; mismatch: Mismatch } | null = null;

  constructor(
    readonly scenario: Scenario,
    makeSubject: () => Engine,
  ) {
    this.subject = makeSubject();
    for (const sql of setupStatements(scenario)) {
      const h = execOutcome(this.subject, sql);
      const construct = unsupportedConstruct(h);
      if (construct !== null) {
        this.unsupported.push(construct);
        continue;
      }
      const s = execOutcome(this.sqlite, sql);
      const ok: Outcome = { kind: 'write', changes: 0, tables: [] };
      const verdict = compareOutcomes(s ?? ok, h ?? ok, { ordered: false, limited: false, dedup: false });
      if (verdict.mismatch && !this.setupMismatch) this.setupMismatch = { sql, mismatch: verdict.mismatch };
    }
  }

  /** Runs `stmt` on both sides and compares. */
  check(stmt: SqlNode): CaseResult {
    const { sql, params } = render(stmt);
    const tables = this.scenario.tables.map((t) => t.name);
    const run = (e: Engine): Outcome => (stmt.tag === 'dml' ? writeOutcome(e, sql, params, tables) : queryOutcome(e, sql, params));
    const subject = run(this.subject);
    const unsupported = unsupportedConstruct(subject);
    const sqlite = run(this.sqlite);
    if (unsupported !== null) return { verdict: { mismatch: null, lenient: false }, sqlite, subject, unsupported };
    return { verdict: compareOutcomes(sqlite, subject, rowMode(stmt)), sqlite, subject, unsupported };
  }

  close(): void {
    this.sqlite.close();
    this.subject.close();
  }
}

/** Runs one case on fresh databases. */
export function runCase(scenario: Scenario, stmt: SqlNode, makeSubject: () => Engine): CaseResult & { setup: Pair['setupMismatch'] } {
  const pair = new Pair(scenario, makeSubject);
  try {
    return { ...pair.check(stmt), setup: pair.setupMismatch };
  } finally {
    pair.close();
  }
}

/** A self-contained SQL script reproducing the case, with both outcomes as comments. */
export function reproScript(scenario: Scenario, stmt: SqlNode, result: CaseResult, header: string): string {
  const { sql, params } = render(stmt);
  const lines = [`-- ${header}`];
  for (const s of setupStatements(scenario)) lines.push(`${s};`);
  if (stmt.tag === 'dml') lines.push('BEGIN;');
  lines.push(`${sql};`);
  if (params.length > 0) lines.push(`-- parameters (bound in order): ${params.map(sqlLiteral).join(', ')}`);
  if (stmt.tag === 'dml') {
    for (const t of scenario.tables) lines.push(`SELECT rowid, * FROM ${t.name} ORDER BY rowid;`);
    lines.push('ROLLBACK;');
  }
  const comment = (label: string, o: Outcome): string => `-- ${label}: ${describe(o).replace(/\n/g, '\n--   ')}`;
  lines.push(comment('sqlite', result.sqlite), comment('hearth', result.subject));
  return lines.join('\n');
}
