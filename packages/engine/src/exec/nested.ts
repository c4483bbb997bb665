/**
 * What nested queries share with the statement that holds them: the `Runtime` of the current
 * execution (the B-tree a subquery opens its cursors on, and an epoch that tells cached results of
 * uncorrelated subqueries when a new execution began), the common table expressions in scope, and
 * the compiler of whole queries (WITH, compounds, VALUES) that select.ts reaches through this
 * interface rather than by importing it.
 *
 * Invariant: `Runtime.begin` runs once per execution of the outermost program, before any nested
 * program opens; nested programs never call it.
 */
import type { Btree } from '../btree/btree.js';
import type { Collation } from '../record/compare.js';
import type { SqlValue } from '../record/value.js';
import type { Expr, Select } from '../sql/ast.js';
import type { Affinity } from '../value/affinity.js';
import type { Compiled, CompileContext, Scope } from './expr.js';
import type { CompileEnv, Program } from './program.js';

/** The B-tree of the running execution and its number. */
export class Runtime {
  bt: Btree | null = null;
  /** Grows by one with each execution of the statement. */
  epoch = 0;

  begin(bt: Btree): void {
    this.bt = bt;
    this.epoch++;
  }

  /** The B-tree of the running execution (a nested program runs only inside one). */
  btree(): Btree {
    if (!this.bt) throw new Error('nested query run outside an execution');
    return this.bt;
  }
}

/** How a result column of a query compares: what its expression would carry as an operand. */
export interface ColumnTraits {
  affinity: Affinity;
  collation: Collation;
  explicitCollation: boolean;
}

/** A compiled query whose rows other queries read (FROM subqueries, IN, scalar subqueries). */
export interface QueryProgram extends Program {
  /** The columns as a FROM clause sees them. */
  readonly traits: readonly ColumnTraits[];
  /**
   * The columns as an expression operand (scalar subquery, IN) sees them, when that differs: SQLite
   * takes a compound's from its last SELECT there.
   */
  readonly operandTraits?: readonly ColumnTraits[];
}

/** A common table expression in scope: its definition, or the working table of a recursive one. */
export interface CteDef {
  name: string;
  columns: string[] | null;
  select: Select;
  /** Set while the recursive part of this CTE is compiled: references read the current row. */
  recursive: RecursiveTable | null;
  /** The CTEs visible where this one was defined (a CTE sees those before it, and itself when recursive). */
  scope: CteList | null;
}

/** A linked list of CTEs, innermost WITH first. */
export interface CteList {
  def: CteDef;
  next: CteList | null;
}

/** The row a recursive CTE's recursive part reads as the CTE's table. */
export interface RecursiveTable {
  names: readonly string[];
  traits: readonly ColumnTraits[];
  types: Uint8Array;
  values: SqlValue[];
}

export interface NestedQueries {
  readonly runtime: Runtime;
  readonly ctes: CteList | null;
  /** Compiles a whole query whose names may also resolve in `outer` (the enclosing query's scope). */
  compileQuery(select: Select, env: CompileEnv, outer: Scope | null): QueryProgram;
  /** Compiles an expression that holds a query or a row value (subquery, EXISTS, IN, row comparison). */
  expression(expr: Expr, cx: CompileContext): Compiled;
  /** Compiles a reference to a common table expression (recursive or not). */
  compileCte(cte: CteDef, env: CompileEnv, outer: Scope | null): QueryProgram;
}

/** The CTE called `name` visible in `list`, if any. */
export function findCte(list: CteList | null, name: string): CteDef | undefined {
  const lower = name.toLowerCase();
  for (let l = list; l; l = l.next) if (l.def.name.toLowerCase() === lower) return l.def;
  return undefined;
}
