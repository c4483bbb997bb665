/**
 * The WHERE clause as the planner sees it: AND terms, what each can do to position a table's cursor
 * (`Seek`: `column op value` where the value does not read that table), and the choice of the join
 * order and of each table's access path.
 *
 * Costs are rough row counts without statistics: a full scan is assumed to visit SCAN_ROWS rows, a
 * rowid lookup one, an IN list one per value, a range a quarter (or, bounded on both sides, a sixteenth)
 * of a scan; index paths are costed in index-plan.ts. A table joined by an equality that no index or
 * rowid serves may be grouped in memory on the joined column (hashed-scan.ts). Each table in turn is
 * tried as the outermost loop; the others follow greedily: next comes the cheapest table given those
 * already placed (its seeks may use their columns), ties going to the table that makes the most terms
 * checkable, then to FROM order; the order of least total cost wins. An outer join (or a USING
 * condition) fixes the FROM order, and the right table of a LEFT JOIN seeks only with its ON terms (a
 * WHERE term must see the row of NULLs that an unmatched row gets).
 */
import type { Expr } from '../sql/ast.js';
import { type Access, FullScan, RowidEquals, RowidIn, RowidRange } from './access.js';
import { type Choice, type IndexedTable, HASHED_ROWS, SCAN_ROWS, bestIndexAccess, probeFor } from './index-plan.js';
import { HashedScan, hashable } from './hashed-scan.js';
import type { Collation } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { Affinity } from '../value/affinity.js';
import { type Compiled, type Evaluator, comparisonCollation, produce } from './expr.js';

export type SeekOp = '=' | '<' | '<=' | '>' | '>=' | 'IN';

/** `column op value(s)` on one source, usable to position that source's cursor. */
export interface Seek {
  /** Index of the source in FROM order. */
  source: number;
  /** The table column (-1 for the rowid). */
  column: number;
  op: SeekOp;
  /** One value, or the items of an IN list. */
  values: Evaluator[];
  /** Per value, its affinity (which decides how the comparison converts it). */
  affinities: Affinity[];
  /** The comparison's collation (null: the items of an IN list differ). */
  collation: Collation | null;
  /** `IS`: NULL matches NULL. */
  nullMatches: boolean;
  /** Sources the values read. */
  valueTables: TableSet;
}

/** A plain column of a FROM source, with what a comparison takes from it. */
export interface LocatedColumn {
  source: number;
  /** The column (-1 for the rowid). */
  column: number;
  affinity: Affinity;
  collation: Collation;
}

/** A compiled operand: what a seek needs of it. */
export interface SeekOperand extends Pick<Compiled, 'fn' | 'affinity' | 'collation' | 'explicitCollation'> {
  /** Sources it reads. */
  tables: TableSet;
}

/** An AND term of WHERE (or of an ON clause), compiled. */
export interface Term {
  expr: Expr;
  fn: Evaluator;
  /** Sources the term reads. */
  tables: TableSet;
  seeks: Seek[];
}

/** What the planner knows of one FROM table (for a table that is not stored: no columns or indexes). */
export interface PlanTable extends IndexedTable {
  /** Index in FROM order. */
  index: number;
  /** Whether it is a stored table whose cursor can seek (else it is always scanned). */
  seekable: boolean;
  /** An outer join or a USING condition: the FROM order is kept. */
  fixed: boolean;
  /** Right table of a LEFT JOIN: seeks only with `onTerms`. */
  left: boolean;
  onTerms: Term[];
}

/** A set of sources as bits of FROM-order indexes (a bigint: a join may have 64 tables). */
export type TableSet = bigint;

/** The set of source `i` alone. */
export function bit(i: number): TableSet {
  return 1n << BigInt(i);
}

/**
 * Whether `expr` (under COLLATE) is a bare TRUE or FALSE that names no column: then `x IS expr` is a
 * truth test (x IS TRUE holds for 2), not an equality a seek could serve.
 */
function isTruthKeyword(expr: Expr, locate: (e: Expr) => LocatedColumn | undefined): boolean {
  let e = expr;
  while (e.kind === 'collate') e = e.operand;
  if (e.kind !== 'column' || e.table !== null || e.column.quote !== null) return false;
  const name = e.column.name.toLowerCase();
  return (name === 'true' || name === 'false') && locate(e) === undefined;
}

/** Finds the seeks a term offers, given a way to see whether an expression is a column of some source. */
export function seeksOf(
  expr: Expr,
  locate: (e: Expr) => LocatedColumn | undefined,
  operand: (e: Expr) => SeekOperand,
): Seek[] {
  const seeks: Seek[] = [];
  const one = (col: Expr, op: SeekOp, other: Expr, columnFirst: boolean, nullMatches: boolean): void => {
    const at = locate(col);
    if (!at) return;
    const v = operand(other);
    if (v.tables & bit(at.source)) return;
    const c = { collation: at.collation, explicitCollation: false };
    const collation = columnFirst ? comparisonCollation(c, v) : comparisonCollation(v, c);
    seeks.push({ source: at.source, column: at.column, op, values: [v.fn], affinities: [v.affinity], collation, nullMatches, valueTables: v.tables });
  };
  if (expr.kind === 'binary' && !(expr.op === 'IS' && isTruthKeyword(expr.right, locate))) {
    const nullMatches = expr.op === 'IS';
    const op = nullMatches ? '=' : expr.op;
    if (op === '=' || op === '<' || op === '<=' || op === '>' || op === '>=') {
      one(expr.left, op, expr.right, true, nullMatches);
      one(expr.right, mirror(op), expr.left, false, nullMatches);
    }
  } else if (expr.kind === 'isNull' && !expr.not) {
    const at = locate(expr.operand);
    if (at) {
      const nullValue = (): SqlValue => produce(ValueType.Null, null);
      seeks.push({ source: at.source, column: at.column, op: '=', values: [nullValue], affinities: [Affinity.None], collation: at.collation, nullMatches: true, valueTables: 0n });
    }
  } else if (expr.kind === 'between' && !expr.not) {
    one(expr.operand, '>=', expr.low, true, false);
    one(expr.operand, '<=', expr.high, true, false);
  } else if (expr.kind === 'in' && !expr.not && expr.values.kind === 'list') {
    const at = locate(expr.operand);
    if (!at) return seeks;
    const c = { collation: at.collation, explicitCollation: false };
    const items = expr.values.items.map(operand);
    const tables = items.reduce((t, v) => t | v.tables, 0n);
    const collations = new Set(items.map((v) => comparisonCollation(c, v)));
    const collation = collations.size === 1 ? [...collations][0]! : collations.size === 0 ? c.collation : null;
    if (!(tables & bit(at.source))) {
      seeks.push({ source: at.source, column: at.column, op: 'IN', values: items.map((v) => v.fn), affinities: items.map((v) => v.affinity), collation, nullMatches: false, valueTables: tables });
    }
  }
  return seeks;
}

function mirror(op: '=' | '<' | '<=' | '>' | '>='): SeekOp {
  switch (op) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return '=';
  }
}

/** The cheapest access path of `table` when the tables in `placed` are positioned. */
function bestAccess(table: PlanTable, terms: Term[], placed: TableSet): Choice {
  if (!table.seekable) return { access: new FullScan(`SCAN ${table.label}`), cost: SCAN_ROWS };
  const usable = (s: Seek): boolean => s.source === table.index && (s.valueTables & ~placed) === 0n;
  const seeks = (table.left ? table.onTerms : terms).flatMap((t) => t.seeks.filter(usable));
  const rowidSeeks = seeks.filter((s) => s.column === -1 || s.column === table.rowidAlias);
  const byIndex = bestIndexAccess(table, seeks);
  const byRowid = rowidAccess(table, rowidSeeks);
  const best = byIndex && byIndex.cost < byRowid.cost ? byIndex : byRowid;
  return best.cost < SCAN_ROWS ? best : (hashedAccess(table, seeks) ?? best);
}

/** Rows of a table grouped in memory on a column another table's value is compared with (`col = outer`), if any. */
function hashedAccess(table: PlanTable, seeks: Seek[]): Choice | null {
  for (const s of seeks) {
    if (s.op !== '=' || s.nullMatches || s.valueTables === 0n || s.column < 0 || s.column === table.rowidAlias) continue;
    if (!s.collation || !hashable(s.collation)) continue;
    const column = table.columns[s.column]!;
    const probe = probeFor(s, column.affinity);
    if (!probe) continue;
    return { access: new HashedScan(`SEARCH ${table.label} USING AUTOMATIC INDEX (${column.name}=?)`, s.column, probe, s.collation), cost: HASHED_ROWS };
  }
  return null;
}

/** The cheapest path by the rowid alone. */
function rowidAccess(table: PlanTable, seeks: Seek[]): Choice {
  const eq = seeks.find((s) => s.op === '=');
  if (eq) return { access: new RowidEquals(`SEARCH ${table.label} USING INTEGER PRIMARY KEY (rowid=?)`, eq.values[0]!), cost: 1 };
  const list = seeks.find((s) => s.op === 'IN');
  if (list) return { access: new RowidIn(`SEARCH ${table.label} USING INTEGER PRIMARY KEY (rowid=?)`, list.values), cost: list.values.length };
  const low = seeks.find((s) => s.op === '>' || s.op === '>=');
  const high = seeks.find((s) => s.op === '<' || s.op === '<=');
  if (low || high) {
    const shown = [low ? 'rowid>?' : null, high ? 'rowid<?' : null].filter((x) => x !== null).join(' AND ');
    return {
      access: new RowidRange(
        `SEARCH ${table.label} USING INTEGER PRIMARY KEY (${shown})`,
        low ? { value: low.values[0]!, lower: true } : null,
        high ? { value: high.values[0]!, lower: false } : null,
      ),
      cost: low && high ? SCAN_ROWS / 16 : SCAN_ROWS / 4,
    };
  }
  return { access: new FullScan(`SCAN ${table.label}`), cost: SCAN_ROWS };
}

/** How much placing table `i` next makes checkable: equalities weigh most. */
function checkableWeight(i: number, placed: TableSet, terms: Term[]): number {
  const withIt = placed | bit(i);
  let score = 0;
  for (const t of terms) {
    if (!(t.tables & bit(i)) || (t.tables & ~withIt) !== 0n) continue;
    const e = t.expr;
    if (e.kind === 'binary' && (e.op === '=' || e.op === 'IS')) score += 8;
    else if (e.kind === 'in' || (e.kind === 'binary' && e.op === 'OR')) score += 4;
    else score += 2;
  }
  return score;
}

/** A join order with each table's access path, and its estimated cost. */
interface JoinPlan {
  order: { index: number; access: Access }[];
  cost: number;
}

/**
 * Orders the tables and gives each its access path. Returns the FROM indexes in loop order, outermost
 * first, with the access chosen for each. Each table in turn is tried as the outermost, the others
 * following greedily; the order of least estimated cost wins (ties: the earlier in FROM order). The
 * cost of an order adds up each level's cost times the rows of the levels around it.
 */
export function planJoin(tables: PlanTable[], terms: Term[]): { index: number; access: Access }[] {
  // Trying every table outermost costs a greedy pass per table: for wide joins one free pass is enough.
  if (tables.length <= 1 || tables.length > EXHAUSTIVE_JOIN_LIMIT || tables.some((t) => t.fixed)) return greedyJoin(tables, terms, -1).order;
  let best: JoinPlan | null = null;
  for (let first = 0; first < tables.length; first++) {
    const plan = greedyJoin(tables, terms, first);
    if (!best || plan.cost < best.cost) best = plan;
  }
  return best!.order;
}

/** Joins of at most this many tables try each table outermost. */
const EXHAUSTIVE_JOIN_LIMIT = 8;

/** Tables placed one by one from `first` on (-1: any), each time the cheapest given those placed. */
function greedyJoin(tables: PlanTable[], terms: Term[], first: number): JoinPlan {
  const fixed = tables.some((t) => t.fixed);
  const order: { index: number; access: Access }[] = [];
  let placed: TableSet = 0n;
  let cost = 0;
  let rows = 1;
  const remaining = [...tables];
  while (remaining.length > 0) {
    let best = 0;
    let bestChoice: Choice | null = null;
    let bestScore = -1;
    const forced = order.length === 0 && !fixed && first >= 0;
    const candidates = fixed ? 1 : remaining.length;
    for (let k = forced ? first : 0; k < (forced ? first + 1 : candidates); k++) {
      const table = remaining[k]!;
      const choice = bestAccess(table, terms, placed);
      const score = checkableWeight(table.index, placed, terms);
      if (!bestChoice || choice.cost < bestChoice.cost || (choice.cost === bestChoice.cost && score > bestScore)) {
        best = k;
        bestChoice = choice;
        bestScore = score;
      }
    }
    const [chosen] = remaining.splice(best, 1);
    order.push({ index: chosen!.index, access: bestChoice!.access });
    placed |= bit(chosen!.index);
    cost += rows * bestChoice!.cost;
    rows *= bestChoice!.cost;
  }
  return { order, cost };
}
