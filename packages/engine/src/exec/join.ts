/**
 * The nested loop that joins the sources of a FROM clause. Each level scans one source; a level's ON
 * condition and the WHERE terms placed at it are checked as soon as its row is in place.
 *
 * Outer joins:
 * - LEFT (and FULL): a level whose scan found no row passing ON for the current outer rows supplies
 *   one row of NULLs instead.
 * - RIGHT (and FULL): while the main pass runs, the level records the keys of its rows that passed ON.
 *   When the main pass ends, one more pass per such level scans it again and takes each row that never
 *   matched, with every level before it on its NULL row, joining the levels after it as usual. Later
 *   right-joined levels count matches made during these passes too, so each row appears once.
 */
import type { Int64 } from '../record/int64.js';
import type { Expr } from '../sql/ast.js';
import { type Evaluator, truth } from './expr.js';
import type { RowSource } from './source.js';

/** One source of the nested loop with its ON condition and outer-join role. */
export interface Level {
  source: RowSource;
  on: Evaluator | null;
  /** The ON expression of an outer join, for the planner's seeks. */
  onExpr: Expr | null;
  /** WHERE terms whose sources are all positioned once this level has its row. */
  filters: Evaluator[];
  /** LEFT or FULL: supplies a NULL row when nothing matched. */
  left: boolean;
  /** RIGHT or FULL: its unmatched rows are joined with NULLs for the levels before it. */
  right: boolean;
  /** 0: not started; 1: scanning; 2: supplying its null row. */
  state: number;
  matched: boolean;
  /** Keys of this level's rows that passed ON, for a RIGHT or FULL join. */
  matchedKeys: Set<Int64> | null;
}

export function newLevel(source: RowSource, on: Evaluator | null, left: boolean, right: boolean): Level {
  return { source, on, onExpr: null, filters: [], left, right, state: 0, matched: false, matchedKeys: right ? new Set() : null };
}

/** Whether every filter is true for the current row. */
export function passes(filters: Evaluator[]): boolean {
  for (let i = 0; i < filters.length; i++) if (truth(filters[i]!) !== true) return false;
  return true;
}

/** Nested loops over the levels; `next` positions every source on the next joined row. */
export class JoinLoop {
  private started = false;
  /** The level the current pass starts at: 0 for the main pass, a right-joined level for its own pass. */
  private base = 0;

  constructor(private readonly levels: Level[]) {}

  reset(): void {
    this.started = false;
    this.base = 0;
    for (const level of this.levels) {
      level.state = 0;
      level.matchedKeys?.clear();
      level.source.nullRow = false;
    }
  }

  next(): boolean {
    const levels = this.levels;
    const last = levels.length - 1;
    if (last < 0) {
      if (this.started) return false;
      this.started = true;
      return true;
    }
    let d = this.started ? last : this.base;
    this.started = true;
    for (;;) {
      const level = levels[d]!;
      const unmatchedPass = d === this.base && this.base > 0;
      let ok: boolean;
      if (level.state === 0) {
        level.matched = false;
        level.state = 1;
        ok = level.source.first();
      } else if (level.state === 1) {
        ok = level.source.next();
      } else {
        ok = false;
      }
      if (ok && unmatchedPass) {
        if (level.matchedKeys!.has(level.source.rowKey())) continue;
      } else if (ok && level.on && truth(level.on) !== true) {
        continue;
      }
      if (ok) {
        level.matched = true;
        if (level.matchedKeys && !unmatchedPass) level.matchedKeys.add(level.source.rowKey());
      } else if (level.state === 1 && level.left && !level.matched && !unmatchedPass) {
        level.state = 2;
        level.source.nullRow = true;
        level.matched = true;
      } else {
        level.state = 0;
        level.source.nullRow = false;
        if (d === this.base) {
          if (!this.nextPass()) return false;
          d = this.base;
          continue;
        }
        d--;
        continue;
      }
      if (!passes(level.filters)) continue;
      if (d === last) return true;
      levels[++d]!.state = 0;
    }
  }

  /** Starts the pass of the next right-joined level, or returns false when none is left. */
  private nextPass(): boolean {
    const levels = this.levels;
    for (let k = this.base + 1; k < levels.length; k++) {
      if (!levels[k]!.right) continue;
      for (let j = 0; j < k; j++) levels[j]!.source.nullRow = true;
      for (let j = this.base; j < k; j++) levels[j]!.state = 0;
      this.base = k;
      levels[k]!.state = 0;
      return true;
    }
    return false;
  }
}
