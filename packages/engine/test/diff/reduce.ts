/**
 * Automatic reduction of a failing case while the difference persists (the same kind of mismatch,
 * on fresh databases, with Hearth not reporting "not supported yet"):
 *   1. drop whole tables, then indexes;
 *   2. delta-debug the data rows (all tables together): remove chunks, halving the chunk size;
 *   3. simplify the statement to a fixpoint: drop optional clauses and list items, replace an
 *      expression by one of its sub-expressions or by NULL/0/1/'', inline parameters as literals;
 *   4. simplify column definitions (drop COLLATE, NOT NULL, DEFAULT, the INTEGER PRIMARY KEY, the type);
 *   5. the rows, the statement and the tables again.
 * Every step is bounded by a shared budget of case evaluations and time.
 */
import type { MismatchKind } from './compare.js';
import { runCase } from './case.js';
import type { Engine } from './engines.js';
import type { ColumnSpec, Scenario } from './schema.js';
import { type Path, type SqlNode, leaf, literal, replaceAt, walk } from './sql-node.js';

export interface Reduced {
  scenario: Scenario;
  stmt: SqlNode;
  evaluations: number;
}

export interface ReduceOptions {
  maxEvaluations?: number;
  maxMs?: number;
}

class Budget {
  evaluations = 0;
  private readonly until: number;
  constructor(
    private readonly max: number,
    ms: number,
  ) {
    this.until = Date.now() + ms;
  }
  spent(): boolean {
    return this.evaluations >= this.max || Date.now() > this.until;
  }
}

export function reduce(scenario: Scenario, stmt: SqlNode, kind: MismatchKind, makeSubject: () => Engine, options: ReduceOptions = {}): Reduced {
  const budget = new Budget(options.maxEvaluations ?? 3000, options.maxMs ?? 30_000);
  const fails = (sc: Scenario, st: SqlNode): boolean => {
    if (budget.spent()) return false;
    budget.evaluations++;
    const r = runCase(sc, st, makeSubject);
    return r.setup === null && r.unsupported === null && r.verdict.mismatch?.kind === kind;
  };
  let sc = scenario;
  let st = stmt;
  sc = dropTables(sc, st, fails);
  sc = dropIndexes(sc, st, fails);
  sc = reduceRows(sc, st, fails);
  st = simplifyStatement(sc, st, fails);
  sc = simplifyColumns(sc, st, fails);
  sc = reduceRows(sc, st, fails);
  st = simplifyStatement(sc, st, fails);
  sc = dropTables(sc, st, fails);
  return { scenario: sc, stmt: st, evaluations: budget.evaluations };
}

type Fails = (sc: Scenario, st: SqlNode) => boolean;

function dropTables(sc: Scenario, st: SqlNode, fails: Fails): Scenario {
  for (let i = sc.tables.length - 1; i >= 0; i--) {
    const name = sc.tables[i]!.name;
    const candidate = { tables: sc.tables.filter((_, j) => j !== i), indexes: sc.indexes.filter((x) => x.table !== name) };
    if (fails(candidate, st)) sc = candidate;
  }
  return sc;
}

function dropIndexes(sc: Scenario, st: SqlNode, fails: Fails): Scenario {
  for (let i = sc.indexes.length - 1; i >= 0; i--) {
    const candidate = { ...sc, indexes: sc.indexes.filter((_, j) => j !== i) };
    if (fails(candidate, st)) sc = candidate;
  }
  return sc;
}

/** Delta debugging over every row of every table. */
function reduceRows(sc: Scenario, st: SqlNode, fails: Fails): Scenario {
  let kept: [number, number][] = [];
  sc.tables.forEach((t, ti) => t.rows.forEach((_, ri) => kept.push([ti, ri])));
  const build = (rows: [number, number][]): Scenario => ({
    ...sc,
    tables: sc.tables.map((t, ti) => ({ ...t, rows: rows.filter(([x]) => x === ti).map(([, ri]) => t.rows[ri]!) })),
  });
  if (kept.length === 0) return sc;
  if (fails(build([]), st)) return build([]);
  let chunks = 2;
  while (kept.length > 1) {
    const size = Math.ceil(kept.length / chunks);
    let removed = false;
    for (let from = 0; from < kept.length; from += size) {
      const rest = [...kept.slice(0, from), ...kept.slice(from + size)];
      if (fails(build(rest), st)) {
        kept = rest;
        chunks = Math.max(chunks - 1, 2);
        removed = true;
        break;
      }
    }
    if (!removed) {
      if (chunks >= kept.length) break;
      chunks = Math.min(kept.length, chunks * 2);
    }
  }
  return build(kept);
}

const SIMPLE_LITERALS = ['NULL', '0', '1', "''"];

/** Candidate simplifications of `st`, most drastic first. */
function candidates(st: SqlNode): SqlNode[] {
  const removals: SqlNode[] = [];
  const replacements: SqlNode[] = [];
  walk(st, (node: SqlNode, path: Path) => {
    if (path.length === 0) return;
    const at = path.slice();
    if (node.optional) removals.push(replaceAt(st, at, null));
    if (node.param !== undefined) replacements.push(replaceAt(st, at, literal(node.param)));
    if (!node.expr) return;
    for (const kid of node.kids) if (kid.expr) replacements.push(replaceAt(st, at, { ...kid, optional: node.optional }));
    // Only towards earlier simple literals, so that no two candidates undo each other.
    const rank = node.kids.length === 0 ? SIMPLE_LITERALS.indexOf(node.parts[0]!) : -1;
    const simpler = rank < 0 ? SIMPLE_LITERALS : SIMPLE_LITERALS.slice(0, rank);
    for (const lit of simpler) replacements.push(replaceAt(st, at, leaf(lit, { expr: true, optional: node.optional })));
  });
  return [...removals, ...replacements];
}

/** Greedy passes over the candidates, continuing after each accepted one, until a pass changes nothing. */
function simplifyStatement(sc: Scenario, st: SqlNode, fails: Fails): SqlNode {
  for (let progress = true; progress; ) {
    progress = false;
    for (let i = 0, list = candidates(st); i < list.length; i++) {
      if (fails(sc, list[i]!)) {
        st = list[i]!;
        list = candidates(st);
        progress = true;
      }
    }
  }
  return st;
}

/** Simpler versions of one column definition. */
function simplerColumns(c: ColumnSpec): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  if (c.collate) out.push({ ...c, collate: null });
  if (c.notNull) out.push({ ...c, notNull: false });
  if (c.default !== undefined) {
    const { default: _, ...rest } = c;
    out.push(rest);
  }
  if (c.ipk) out.push({ ...c, ipk: false });
  if (c.type !== '' && !c.ipk) out.push({ ...c, type: '' });
  return out;
}

function simplifyColumns(sc: Scenario, st: SqlNode, fails: Fails): Scenario {
  sc.tables.forEach((table, ti) => {
    table.columns.forEach((_, ci) => {
      for (let progress = true; progress; ) {
        progress = false;
        for (const simpler of simplerColumns(sc.tables[ti]!.columns[ci]!)) {
          const tables = sc.tables.slice();
          const columns = tables[ti]!.columns.slice();
          columns[ci] = simpler;
          tables[ti] = { ...tables[ti]!, columns };
          const candidate = { ...sc, tables };
          if (fails(candidate, st)) {
            sc = candidate;
            progress = true;
            break;
          }
        }
      }
    });
  });
  return sc;
}
