/**
 * Aggregate queries: aggregate functions, GROUP BY and HAVING.
 *
 * The input rows (the FROM clause's joined rows that pass WHERE) are grouped in a hash map by their
 * GROUP BY key (`rowSignature`: keys equal under the key's collation share a group). A group holds one
 * running `Aggregate` per aggregate call of the query and copies of the "bare" columns that the
 * output reads outside any aggregate: from the group's first row or, when the query calls min() or
 * max(), from the last row that set the value of the last such call (a NULL argument counts while the
 * call has no value yet), as SQLite does. Once the input
 * is exhausted the groups are sorted by key (the order in which SQLite's GROUP BY emits them, unless
 * the input arrives grouped: group-order.ts) and
 * produced one at a time: every aggregate is finalized into its result slot, HAVING is tested, and the
 * result columns read the slots and the copies. Without GROUP BY there is exactly one group, even over
 * no rows.
 *
 * An aggregate call with ORDER BY in its argument list (`group_concat(x ORDER BY y)`) buffers its
 * arguments and sort keys per group and steps them in order at the end. DISTINCT calls go through
 * `distinct()` of func/aggregate.ts under the argument's collation; FILTER skips rows for that call only.
 */
import { SqliteError } from '../common/errors.js';
import { distinct as distinctAggregate } from '../func/aggregate.js';
import type { Aggregate, FunctionContext } from '../func/types.js';
import { BINARY, type Collation } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnRef, Expr, FunctionCall, OrderingTerm } from '../sql/ast.js';
import { someExpr } from '../sql/walk.js';
import { lookupFunction } from '../func/registry.js';
import { Affinity } from '../value/affinity.js';
import { CapturingResult, SlotArgs } from '../value/args.js';
import {
  type AggregateDescriptor,
  type AggregateHost,
  type Compiled,
  type CompileContext,
  type Evaluator,
  type Scope,
  compileExpr,
  evalSubtype,
  evalType,
  produce,
  produceSubtyped,
  truth,
} from './expr.js';
import { type OrderKey, type TypedRow, compareByKeys, compareRows, orderKey, rowSignature } from './rowkey.js';

/** One aggregate call of the query, compiled over the input rows. */
interface AggregateCall {
  name: string;
  create: (ctx: FunctionContext) => Aggregate;
  ctx: FunctionContext;
  distinct: boolean;
  args: Evaluator[];
  /** Which arguments are function calls, whose results may carry a subtype. */
  subtyped: boolean[];
  filter: Evaluator | null;
  /** The call's own ORDER BY, or null. */
  order: CallOrder | null;
  /** The current row's arguments. */
  slots: SlotArgs;
}

/** An aggregate call's ORDER BY: its sort key evaluators, and how a buffered row's keys compare. */
interface CallOrder {
  keys: Evaluator[];
  order: OrderKey[];
}

/** The state of one group. */
interface Group {
  /** The GROUP BY key. */
  key: TypedRow;
  states: Aggregate[];
  /** Per ordered call, its buffered rows (sort keys, then arguments); null for calls without ORDER BY. */
  buffered: (TypedRow[] | null)[];
  /** Copies of the bare columns, from the row chosen for the group. */
  capturedTypes: Uint8Array;
  capturedValues: SqlValue[];
  /** The value so far of the call that chooses the bare columns' row, to see when a row sets it. */
  extremeType: ValueType;
  extremeValue: SqlValue;
  /** Whether a row has been copied into the captures yet. */
  captured: boolean;
}

/** Whether `expr` calls an aggregate function (not as a window function, not inside a subquery). */
export function containsAggregate(expr: Expr, functions: FunctionContext): boolean {
  return someExpr(expr, (e) => {
    if (e.kind !== 'function' || e.over !== null) return false;
    const argc = e.star ? 0 : e.args.length;
    return (functions.overrides?.find(e.name.name, argc) ?? lookupFunction(e.name.name, argc))?.kind === 'aggregate';
  });
}

const misuseNested: AggregateHost = {
  call(expr) {
    throw new SqliteError('SQLITE_ERROR', `misuse of aggregate function ${expr.name.name}()`);
  },
};

/**
 * An aggregate host that compiles the call's arguments (where aggregates are not allowed; their own
 * errors come first, as SQLite resolves them) and records `message(name)` instead of throwing: SQLite
 * accepts the call while resolving names and rejects it afterwards, so the caller throws a recorded
 * error once the clauses SQLite resolves before have compiled. The call evaluates to NULL meanwhile.
 */
function deferredRejection(errors: SqliteError[], argContext: CompileContext, message: (name: string) => string): AggregateHost {
  const args: CompileContext = { ...argContext, aggregates: null };
  return {
    call(expr) {
      for (const arg of expr.args) compileExpr(arg, args);
      errors.push(new SqliteError('SQLITE_ERROR', message(expr.name.name)));
      return { fn: () => produce(ValueType.Null, null), affinity: Affinity.None, collation: BINARY, explicitCollation: false };
    },
  };
}

/**
 * The aggregate host of clauses whose aggregate calls SQLite rejects only when generating code: ORDER
 * BY of a non-aggregate query, WHERE and ON of an aggregate one. SQLite keeps the last such message.
 */
export function misuseAtCodegen(errors: SqliteError[], argContext: CompileContext): AggregateHost {
  return deferredRejection(errors, argContext, (name) => `misuse of aggregate: ${name}()`);
}

/** The aggregate host of GROUP BY terms, checked after every term is resolved (and its number in range). */
export function aggregatesInGroupBy(errors: SqliteError[], argContext: CompileContext): AggregateHost {
  return deferredRejection(errors, argContext, () => 'aggregate functions are not allowed in the GROUP BY clause');
}

/**
 * The aggregate calls and bare columns of one aggregate query. Compile the result columns, HAVING and
 * ORDER BY with `outputContext()`; then `GroupStream` runs the grouping.
 */
export class AggregatePlan implements AggregateHost {
  readonly calls: AggregateCall[] = [];
  /** Row-level evaluators of the bare columns, copied into each group. */
  readonly captures: Evaluator[] = [];
  /** Result slots of the aggregates, for the group being produced. */
  resultTypes = new Uint8Array(0);
  resultValues: SqlValue[] = [];
  resultSubtypes = new Uint8Array(0);
  /** The group being produced. */
  current: Group | null = null;
  private readonly argContext: CompileContext;

  /** `rowContext` compiles expressions over the input rows. */
  constructor(private readonly rowContext: CompileContext) {
    this.argContext = { ...rowContext, aggregates: misuseNested };
  }

  /** The context for expressions evaluated per group: the result columns, HAVING and ORDER BY. */
  outputContext(): CompileContext {
    return { ...this.rowContext, scope: new GroupScope(this.rowContext.scope, this), aggregates: this };
  }

  call(expr: FunctionCall, descriptor: AggregateDescriptor): Compiled {
    const name = expr.name.name.toLowerCase();
    if (expr.distinct && expr.args.length !== 1) throw new SqliteError('SQLITE_ERROR', 'DISTINCT aggregates must have exactly one argument');
    const args = expr.args.map((a) => compileExpr(a, this.argContext));
    const collation = args[0]?.collation ?? BINARY;
    const index = this.calls.length;
    this.calls.push({
      name,
      create: descriptor.implementation,
      ctx: { ...this.rowContext.functions, collation },
      distinct: expr.distinct,
      args: args.map((a) => a.fn),
      subtyped: args.map((a) => a.subtyped === true),
      filter: expr.filter ? compileExpr(expr.filter, this.argContext).fn : null,
      order: expr.orderBy.length > 0 ? this.callOrder(expr.orderBy) : null,
      slots: new SlotArgs(args.length),
    });
    this.resultTypes = new Uint8Array(this.calls.length);
    this.resultValues = new Array<SqlValue>(this.calls.length).fill(null);
    this.resultSubtypes = new Uint8Array(this.calls.length);
    // Like any function call, the result takes the first explicit collation among the arguments.
    const collated = args.find((a) => a.explicitCollation);
    return {
      fn: () => produceSubtyped(this.resultTypes[index] as ValueType, this.resultValues[index]!, this.resultSubtypes[index]!),
      affinity: Affinity.None,
      collation: collated?.collation ?? BINARY,
      explicitCollation: collated !== undefined,
      subtyped: true,
    };
  }

  /** Registers a bare column; returns its evaluator over the current group's copy. */
  capture(column: Compiled): Compiled {
    const k = this.captures.length;
    this.captures.push(column.fn);
    return {
      fn: () => produce(this.current!.capturedTypes[k] as ValueType, this.current!.capturedValues[k]!),
      affinity: column.affinity,
      collation: column.collation,
      explicitCollation: false,
    };
  }

  private callOrder(terms: OrderingTerm[]): CallOrder {
    const compiled = terms.map((t) => compileExpr(t.expr, this.argContext));
    return { keys: compiled.map((c) => c.fn), order: terms.map((t, i) => orderKey(t, i, compiled[i]!.collation)) };
  }
}

/** Name resolution for per-group expressions: a column outside an aggregate is a bare column. */
class GroupScope implements Scope {
  constructor(
    private readonly rows: Scope | null,
    private readonly plan: AggregatePlan,
  ) {}

  column(ref: ColumnRef): Compiled | undefined {
    const found = this.rows?.column(ref);
    return found ? this.plan.capture(found) : undefined;
  }
}

/**
 * Groups the input and produces one row per group (that passes HAVING): after `next` returns true the
 * plan's result slots and current group are set for the output evaluators.
 */
export class GroupStream {
  private groups: Group[] | null = null;
  private position = 0;
  private readonly keyTypes: Uint8Array;
  private readonly keyValues: SqlValue[];
  private readonly keyCollations: Collation[];
  private readonly result = new CapturingResult();
  /** The last one-argument min() or max() call, whose changes choose the bare columns' row; or -1. */
  private readonly extreme: number;

  constructor(
    private readonly plan: AggregatePlan,
    /** Moves to the next input row; false at the end. */
    private readonly input: () => boolean,
    private readonly keys: Compiled[],
    private readonly having: Evaluator | null,
    /** Whether the input arrives grouped (group-order.ts): groups then come in the order they start. */
    private readonly scanOrder = false,
  ) {
    this.keyTypes = new Uint8Array(keys.length);
    this.keyValues = new Array<SqlValue>(keys.length).fill(null);
    this.keyCollations = keys.map((k) => k.collation);
    let extreme = -1;
    plan.calls.forEach((c, i) => {
      if ((c.name === 'min' || c.name === 'max') && c.args.length === 1) extreme = i;
    });
    this.extreme = extreme;
  }

  reset(): void {
    this.groups = null;
    this.position = 0;
    this.plan.current = null;
  }

  next(): boolean {
    if (!this.groups) this.groups = this.collect();
    const groups = this.groups;
    while (this.position < groups.length) {
      const group = groups[this.position++]!;
      this.finish(group);
      if (!this.having || truth(this.having) === true) return true;
    }
    return false;
  }

  /** Reads the whole input into groups, sorted by key. */
  private collect(): Group[] {
    const keys = this.keys;
    const byKey = new Map<string, Group>();
    // A lone numeric key finds its group by its value, without making a signature string per row
    // (a Map key's equality is the signature's: 1 and 1.0 are one key, and so are -0.0 and 0).
    const byNumber = keys.length === 1 ? new Map<number, Group>() : null;
    let single: Group | null = null;
    while (this.input()) {
      let group: Group;
      if (keys.length === 0) {
        group = single ??= this.newGroup();
      } else {
        for (let i = 0; i < keys.length; i++) {
          this.keyValues[i] = keys[i]!.fn();
          this.keyTypes[i] = evalType;
        }
        const number = byNumber ? numericKey(this.keyTypes[0] as ValueType, this.keyValues[0]!) : null;
        const key = number === null ? rowSignature(this.keyTypes, this.keyValues, this.keyCollations) : number;
        let found = typeof key === 'number' ? byNumber!.get(key) : byKey.get(key);
        if (!found) {
          found = this.newGroup();
          if (typeof key === 'number') byNumber!.set(key, found);
          else byKey.set(key, found);
        }
        group = found;
      }
      this.accumulate(group);
    }
    if (keys.length === 0) return [single ?? this.newGroup()];
    const groups = [...byKey.values(), ...(byNumber?.values() ?? [])];
    const collations = this.keyCollations;
    if (!this.scanOrder) groups.sort((a, b) => compareRows(a.key, b.key, collations));
    return groups;
  }

  private newGroup(): Group {
    const plan = this.plan;
    const n = plan.captures.length;
    return {
      key: { types: this.keyTypes.slice(), values: this.keyValues.slice() },
      states: plan.calls.map((c) => (c.distinct ? distinctAggregate(c.create(c.ctx), c.ctx) : c.create(c.ctx))),
      buffered: plan.calls.map((c) => (c.order ? [] : null)),
      capturedTypes: new Uint8Array(n),
      capturedValues: new Array<SqlValue>(n).fill(null),
      extremeType: ValueType.Null,
      extremeValue: null,
      captured: false,
    };
  }

  /** Adds the current input row to `group`. */
  private accumulate(group: Group): void {
    const calls = this.plan.calls;
    let chosen = this.extreme < 0 && !group.captured;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      if (call.filter && truth(call.filter) !== true) continue;
      const slots = call.slots;
      for (let j = 0; j < call.args.length; j++) {
        slots.values[j] = call.args[j]!();
        slots.types[j] = evalType;
        slots.subtypes[j] = call.subtyped[j] ? evalSubtype : 0;
      }
      if (call.order) {
        group.buffered[i]!.push(bufferRow(call.order, slots));
        continue;
      }
      const state = group.states[i]!;
      state.step(slots);
      if (i === this.extreme) {
        if (slots.types[0] === ValueType.Null) {
          chosen = group.extremeType === ValueType.Null;
          continue;
        }
        const r = this.result.reset();
        state.value(r);
        if (r.type !== group.extremeType || r.value !== group.extremeValue) {
          group.extremeType = r.type;
          group.extremeValue = r.value;
          chosen = true;
        }
      }
    }
    if (!chosen) return;
    group.captured = true;
    const captures = this.plan.captures;
    for (let k = 0; k < captures.length; k++) {
      group.capturedValues[k] = captures[k]!();
      group.capturedTypes[k] = evalType;
    }
  }

  /** Makes `group` current: steps buffered ordered calls and finalizes every aggregate into its slot. */
  private finish(group: Group): void {
    const plan = this.plan;
    plan.current = group;
    const calls = plan.calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      const state = group.states[i]!;
      const rows = group.buffered[i];
      if (rows) stepInOrder(call, state, rows);
      const r = this.result.reset();
      state.final(r);
      if (r.errorMessage !== null) throw new SqliteError('SQLITE_ERROR', r.errorMessage);
      if (r.tooLarge) throw new SqliteError('SQLITE_TOOBIG', 'string or blob too big');
      plan.resultTypes[i] = r.type;
      plan.resultValues[i] = r.value;
      plan.resultSubtypes[i] = r.resultSubtype;
    }
  }
}

/** A copy of an ordered call's sort keys (evaluated now) and arguments. */
function bufferRow(order: CallOrder, slots: SlotArgs): TypedRow {
  const k = order.keys.length;
  const n = k + slots.count;
  const row: TypedRow = { types: new Uint8Array(n), values: new Array<SqlValue>(n) };
  for (let i = 0; i < k; i++) {
    row.values[i] = order.keys[i]!();
    row.types[i] = evalType;
  }
  for (let j = 0; j < slots.count; j++) {
    row.types[k + j] = slots.types[j]!;
    row.values[k + j] = slots.values[j]!;
    if (slots.subtypes[j] !== 0) (row.subtypes ??= new Uint8Array(slots.count))[j] = slots.subtypes[j]!;
  }
  return row;
}

/** Steps an ordered call's buffered rows in its ORDER BY order (stable: ties keep input order). */
function stepInOrder(call: AggregateCall, state: Aggregate, rows: TypedRow[]): void {
  const order = call.order!;
  const k = order.keys.length;
  rows.sort((a, b) => compareByKeys(a, b, order.order));
  const slots = call.slots;
  for (const row of rows) {
    for (let j = 0; j < slots.count; j++) {
      slots.types[j] = row.types[k + j]!;
      slots.values[j] = row.values[k + j]!;
      slots.subtypes[j] = row.subtypes?.[j] ?? 0;
    }
    state.step(slots);
  }
  rows.length = 0;
}

/** A numeric GROUP BY key as the number it equals, or null when it is not numeric or no double equals it. */
function numericKey(type: ValueType, value: SqlValue): number | null {
  if (type !== ValueType.Integer && type !== ValueType.Real) return null;
  if (typeof value === 'number') return value;
  const approx = Number(value);
  return BigInt(approx) === value ? approx : null;
}
