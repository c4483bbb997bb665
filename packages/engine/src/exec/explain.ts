/**
 * EXPLAIN QUERY PLAN: the plan of a statement as rows `(id, parent, notused, detail)`, worded as
 * SQLite words it (`SCAN t`, `SEARCH t USING INDEX i (a=?)`, `USE TEMP B-TREE FOR ORDER BY`, …).
 *
 * While an EXPLAIN QUERY PLAN statement compiles, each query that compiles notes its plan lines here,
 * keyed by its program (`notePlan`). A query that holds others claims theirs: a FROM subquery's lines
 * go under its `CO-ROUTINE` or `MATERIALIZE` line, a compound's arms under their operator. Lines
 * nobody claimed (the subqueries of expressions) are attached to the query compiled around them as
 * numbered entries (`SCALAR SUBQUERY 1`, `CORRELATED LIST SUBQUERY 2`, …). Details are functions:
 * they are read once compiling is over (a source decides only then whether its index covers the
 * query). Ids number the lines in order; a parent is 0 at the top.
 */
import type { Btree } from '../btree/btree.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnMeta, Program } from './program.js';
import { QuerySource, type RowSource, TableSource } from './source.js';

/** One line of a plan and the lines under it. */
export interface PlanLine {
  detail: () => string;
  children: PlanLine[];
}

/** The programs compiled since EXPLAIN QUERY PLAN began, in order, with their lines; null when not explaining. */
let noted: { program: object; lines: PlanLine[] }[] | null = null;

/** A plan line with a fixed text. */
export function line(detail: string, children: PlanLine[] = []): PlanLine {
  return { detail: () => detail, children };
}

/** Whether an EXPLAIN QUERY PLAN statement is compiling (plans need recording). */
export function explaining(): boolean {
  return noted !== null;
}

/** Where the lines of queries compiled from now on begin. */
export function planMark(): number {
  return noted ? noted.length : 0;
}

/** Records the plan of a compiled query. */
export function notePlan(program: object, lines: PlanLine[]): void {
  noted?.push({ program, lines });
}

/** Takes the lines of `program` (a query compiled inside the one asking), if it noted any. */
export function claimPlan(program: object): PlanLine[] | undefined {
  if (!noted) return undefined;
  const i = noted.findIndex((n) => n.program === program);
  if (i < 0) return undefined;
  const [found] = noted.splice(i, 1);
  return found!.lines;
}

/** Forgets the plans noted since `mark` (queries compiled a second time, whose first copy is the one listed). */
export function discardPlansSince(mark: number): void {
  noted?.splice(mark);
}

/** What an expression's subquery is called in a plan (`SCALAR SUBQUERY`, `CORRELATED LIST SUBQUERY`, …), by program. */
const subqueryNames = new WeakMap<object, string>();

/** Records how the plan names the subquery that `program` runs. */
export function nameSubqueryPlan(program: object, name: string): void {
  if (noted) subqueryNames.set(program, name);
}

/** Takes the lines of every query compiled since `mark` that nobody claimed, each as a numbered subquery entry. */
export function unclaimedSince(mark: number): PlanLine[] {
  if (!noted) return [];
  return noted.splice(mark).map((n, i) => line(`${subqueryNames.get(n.program) ?? 'SUBQUERY'} ${i + 1}`, n.lines));
}

/** What a simple SELECT does besides its loops. */
export interface SelectSteps {
  groupBy: boolean;
  distinct: boolean;
  orderBy: boolean;
}

/**
 * The plan lines of a simple SELECT: its FROM subqueries materialized, the loops outermost first, the
 * temporary B-trees, then its expressions' subqueries (compiled since `mark`).
 */
export function selectPlan(loops: readonly RowSource[], steps: SelectSteps, mark: number): PlanLine[] {
  const lines: PlanLine[] = [];
  loops.forEach((source, i) => {
    if (!(source instanceof QuerySource)) return;
    const inner = claimPlan(source.program);
    // The outermost nested query runs row by row as the loop reads it; an inner one is kept for rescans.
    if (inner) lines.push(line(`${i === 0 ? 'CO-ROUTINE' : 'MATERIALIZE'} ${source.alias}`, inner));
  });
  if (loops.length === 0) lines.push(line('SCAN CONSTANT ROW'));
  for (const source of loops) {
    if (source instanceof TableSource) lines.push({ detail: () => source.access.plan, children: [] });
    else lines.push(line(`SCAN ${source.alias}`));
  }
  if (steps.groupBy) lines.push(line('USE TEMP B-TREE FOR GROUP BY'));
  if (steps.distinct) lines.push(line('USE TEMP B-TREE FOR DISTINCT'));
  if (steps.orderBy) lines.push(line('USE TEMP B-TREE FOR ORDER BY'));
  lines.push(...unclaimedSince(mark));
  return lines;
}

/**
 * The plan lines of a compound SELECT: each arm's lines under the operator that brings it in (the
 * first arm as LEFT-MOST SUBQUERY), and a sort when it has ORDER BY. A lone VALUES arm is itself.
 */
export function compoundPlan(arms: readonly object[], ops: readonly string[], orderBy: boolean): PlanLine[] {
  if (arms.length === 1) return claimPlan(arms[0]!) ?? [];
  const children = arms.map((arm, i) => {
    const inner = claimPlan(arm) ?? [];
    if (i === 0) return line('LEFT-MOST SUBQUERY', inner);
    const op = ops[i - 1]!;
    return line(op === 'UNION ALL' ? op : `${op} USING TEMP B-TREE`, inner);
  });
  const lines = [line('COMPOUND QUERY', children)];
  if (orderBy) lines.push(line('USE TEMP B-TREE FOR ORDER BY'));
  return lines;
}

/** Compiles `compile`'s statement and returns the program listing its plan. */
export function explainQueryPlan(compile: () => Program): Program {
  const outer = noted;
  noted = [];
  let lines: PlanLine[];
  try {
    compile();
    lines = noted.flatMap((n) => n.lines);
  } finally {
    noted = outer;
  }
  return new PlanProgram(lines);
}

const COLUMNS = ['id', 'parent', 'notused', 'detail'];

/** The rows of a plan. */
class PlanProgram implements Program {
  readonly columns = COLUMNS;
  readonly meta: ColumnMeta[] = COLUMNS.map((name) => ({ name, column: null, table: null, database: null, type: null }));
  readonly readonly = true;
  readonly types = new Uint8Array(4);
  readonly values: SqlValue[] = [null, null, null, null];
  private rows: [number, number, string][] = [];
  private position = 0;

  constructor(private readonly lines: PlanLine[]) {}

  open(_bt: Btree): void {
    const rows: [number, number, string][] = [];
    const walk = (lines: PlanLine[], parent: number): void => {
      for (const l of lines) {
        const id = rows.length + 2;
        rows.push([id, parent, l.detail()]);
        walk(l.children, id);
      }
    };
    walk(this.lines, 0);
    this.rows = rows;
    this.position = 0;
  }

  step(): boolean {
    const row = this.rows[this.position++];
    if (!row) return false;
    this.values[0] = row[0];
    this.values[1] = row[1];
    this.values[2] = 0;
    this.values[3] = row[2];
    this.types.set([ValueType.Integer, ValueType.Integer, ValueType.Integer, ValueType.Text]);
    return true;
  }

  close(): void {
    this.rows = [];
  }
}
