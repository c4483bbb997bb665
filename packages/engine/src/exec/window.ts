/**
 * Window functions (sqlite.org/windowfunctions.html): `f(…) OVER (PARTITION BY … ORDER BY … frame)`,
 * named windows (WINDOW clause, `OVER w`, `OVER (w ORDER BY …)`), FILTER on aggregate window
 * functions, and the built-in window functions of func/window.ts.
 *
 * Windows run after WHERE, GROUP BY and HAVING and before DISTINCT, ORDER BY and LIMIT. A `WindowPlan`
 * compiles the result columns and ORDER BY of a SELECT in its `outputContext()`: every value the output
 * reads from the input rows (a column, or a group's aggregate or bare column) becomes an input of the
 * plan, and every window call registers its arguments, FILTER, PARTITION BY and ORDER BY as inputs
 * too. `WindowStream` then reads the whole input once, storing the inputs of each row in one flat
 * row-major store (no object per row). Windows that SQLite considers the same (alike in PARTITION BY,
 * ORDER BY and frame) share a sorting; each sorting orders the row numbers once, stably, and computes
 * its calls into per-call result columns. Sortings run from the last to the first, each sorting the
 * order the previous one left, as SQLite's nested queries do, so the output comes in the first
 * window's order with ties in the next one's.
 *
 * Aggregate calls follow SQLite's frame cursors: from the partition's start, a row is stepped once
 * the frame's end passes it and removed through the aggregate's `inverse` once the frame's start
 * does (rows leave before others enter), so a frame that only grows steps each row once. Aggregates
 * without `inverse` are rebuilt when the frame's start moves; min() and max() over such frames keep
 * a monotonic queue. Frames with EXCLUDE are computed afresh per row.
 */
import { SqliteError } from '../common/errors.js';
import { lookupFunction } from '../func/registry.js';
import type { Aggregate, AggregateFactory, FunctionContext } from '../func/types.js';
import { type WindowFunction, type WindowRows, windowFunction } from '../func/window.js';
import { BINARY } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnRef, Expr, FunctionCall, Identifier, OrderingTerm, SimpleSelect, WindowDef, WindowSpec } from '../sql/ast.js';
import { someExpr, treeText } from '../sql/walk.js';
import { Affinity } from '../value/affinity.js';
import { CapturingResult, SlotArgs } from '../value/args.js';
import { compareValues } from '../value/compare.js';
import { type CompileContext, type Compiled, type Evaluator, type Scope, type WindowHost, compileExpr, evalType, produce, truth } from './expr.js';
import { orderKey } from './rowkey.js';
import { EXCLUDE_CURRENT_ROW, EXCLUDE_NONE, EXCLUDE_NO_OTHERS, EXCLUDE_TIES, FrameBounds, type Partition, compileFrame, frameSignature } from './window-frame.js';
import { type RowStore, type SortKeys, comparePeers, samePartition, sortRows } from './window-sort.js';

/** Whether `expr` calls a window function (outside subqueries). */
export function containsWindow(expr: Expr): boolean {
  return someExpr(expr, (e) => e.kind === 'function' && e.over !== null);
}

/** Whether the result columns or ORDER BY of a SELECT call a window function. */
export function hasWindows(core: SimpleSelect, orderBy: readonly OrderingTerm[]): boolean {
  for (const column of core.columns) if (column.kind === 'expr' && containsWindow(column.expr)) return true;
  return orderBy.some((term) => containsWindow(term.expr));
}

/** A window after resolving names: what it partitions and orders by, and its frame. */
interface ResolvedWindow {
  partitionBy: Expr[];
  orderBy: OrderingTerm[];
  frame: WindowSpec['frame'];
}

/** One distinct sorting of the input (PARTITION BY, then ORDER BY) and the calls computed over it. */
interface Sorting extends SortKeys {
  signature: string;
  calls: WindowCall[];
}

const MIN = 1;
const MAX = 2;

/** One window function call. */
interface WindowCall {
  /** A built-in window function, or null for an aggregate. */
  builtin: WindowFunction | null;
  create: AggregateFactory | null;
  invertible: boolean;
  /** For the built-in min(X) and max(X) over a frame whose start moves: which (see `runExtreme`). */
  extreme: typeof MIN | typeof MAX | null;
  ctx: FunctionContext;
  /** Input columns of the arguments; of FILTER (an INTEGER 0 or 1), or -1. */
  args: number[];
  filter: number;
  frame: FrameBounds;
  exclude: number;
  slots: SlotArgs;
  /** The result of each input row (by row number), for this execution. */
  resultTypes: Uint8Array;
  resultValues: SqlValue[];
}

/**
 * The window calls and captured inputs of one SELECT. Compile the output with `outputContext()`;
 * `WindowStream` runs it.
 */
export class WindowPlan implements WindowHost {
  /** Evaluators over the input rows, stored per row. */
  private readonly inputs: Evaluator[] = [];
  private readonly capturedColumns = new Map<string, number>();
  private readonly sortings: Sorting[] = [];
  private readonly calls: WindowCall[] = [];
  private readonly named = new Map<string, WindowSpec>();
  private readonly argContext: CompileContext;
  /** The stored inputs: row r's input k at r * width + k. */
  private types: number[] = [];
  private values: SqlValue[] = [];
  /** The row being output. */
  private current = 0;
  private readonly result = new CapturingResult();

  /** `base` compiles expressions over the input rows (the groups, for an aggregate query). */
  constructor(
    private readonly base: CompileContext,
    definitions: readonly WindowDef[],
  ) {
    // A later definition of a name replaces an earlier one, as in SQLite.
    for (const def of definitions) this.named.set(def.name.name.toLowerCase(), def.window);
    this.argContext = { ...base, windows: null };
  }

  /** The context of the result columns and ORDER BY: values of the input rows are read back from the store. */
  outputContext(): CompileContext {
    const aggregates = this.base.aggregates;
    return {
      ...this.base,
      scope: new WindowScope(this.base.scope, this),
      aggregates: aggregates ? { call: (expr, descriptor) => this.capture(aggregates.call(expr, descriptor)) } : aggregates,
      windows: this,
    };
  }

  /** Stores `compiled` per input row; returns its evaluator over the row being output. */
  capture(compiled: Compiled, key?: string): Compiled {
    let k = key === undefined ? undefined : this.capturedColumns.get(key);
    if (k === undefined) {
      k = this.addInput(compiled.fn);
      if (key !== undefined) this.capturedColumns.set(key, k);
    }
    const column = k;
    return {
      ...compiled,
      fn: () => {
        const at = this.current * this.inputs.length + column;
        return produce(this.types[at] as ValueType, this.values[at]!);
      },
    };
  }

  private addInput(fn: Evaluator): number {
    this.inputs.push(fn);
    return this.inputs.length - 1;
  }

  call(expr: FunctionCall): Compiled {
    const name = expr.name.name;
    const window = this.resolve(expr.over!);
    if (expr.distinct) throw new SqliteError('SQLITE_ERROR', 'DISTINCT is not supported for window functions');
    const argc = expr.star ? 0 : expr.args.length;
    const functions = this.base.functions;
    const override = functions.overrides?.find(name, argc);
    const builtin = override ? undefined : windowFunction(name);
    let create: AggregateFactory | null = null;
    let invertible = false;
    if (builtin) {
      if (expr.star || argc < builtin.minArgs || argc > builtin.maxArgs) throw new SqliteError('SQLITE_ERROR', `wrong number of arguments to function ${name}()`);
      if (expr.filter) throw new SqliteError('SQLITE_ERROR', 'FILTER clause may only be used with aggregate window functions');
    } else {
      const descriptor = override ?? lookupFunction(name, argc);
      if (!descriptor) throw new SqliteError('SQLITE_ERROR', `no such function: ${name}`);
      if (descriptor.kind !== 'aggregate') throw new SqliteError('SQLITE_ERROR', `${name}() may not be used as a window function`);
      create = descriptor.implementation;
      invertible = descriptor.invertible;
    }
    if (expr.orderBy.length > 0) throw new SqliteError('SQLITE_ERROR', `ORDER BY may not be used with non-aggregate ${name}()`);
    const args = expr.args.map((a) => compileExpr(a, this.argContext));
    const filter = expr.filter ? compileExpr(expr.filter, this.argContext).fn : null;
    const plan = compileFrame(window.frame, window.orderBy, this.argContext);
    const fixed = builtin?.sqliteFrame;
    const sorting = this.sorting(window, fixed ? frameSignature(fixed[0], fixed[1], null, fixed[2], null, EXCLUDE_NONE) : plan.signature);
    const lower = name.toLowerCase();
    const sliding = plan.start.type !== 'UNBOUNDED PRECEDING';
    const extreme = create && !override && argc === 1 && sliding && (lower === 'min' || lower === 'max') ? (lower === 'max' ? MAX : MIN) : null;
    const call: WindowCall = {
      builtin: builtin ?? null,
      create,
      invertible,
      extreme,
      ctx: { ...functions, collation: args[0]?.collation ?? BINARY },
      args: args.map((a) => this.addInput(a.fn)),
      filter: filter ? this.addInput(() => produce(ValueType.Integer, truth(filter) === true ? 1 : 0)) : -1,
      frame: new FrameBounds(plan, sorting.orderKeys[0] ?? null),
      exclude: plan.exclude,
      slots: new SlotArgs(args.length),
      resultTypes: new Uint8Array(0),
      resultValues: [],
    };
    sorting.calls.push(call);
    this.calls.push(call);
    // Like any function call, the result takes the first explicit collation among the arguments.
    const collated = args.find((a) => a.explicitCollation);
    return {
      fn: () => produce(call.resultTypes[this.current] as ValueType, call.resultValues[this.current]!),
      affinity: Affinity.None,
      collation: collated?.collation ?? BINARY,
      explicitCollation: collated !== undefined,
    };
  }

  /** The window `over` names or spells, with a named base window merged in. */
  private resolve(over: WindowSpec | Identifier): ResolvedWindow {
    if (over.kind !== 'window') return this.resolve(this.definition(over.name));
    if (!over.base) return { partitionBy: over.partitionBy, orderBy: over.orderBy, frame: over.frame };
    const baseName = over.base.name;
    const definition = this.definition(baseName);
    const base = this.resolve(definition);
    let overridden: string | null = null;
    if (over.partitionBy.length > 0) overridden = 'PARTITION clause';
    else if (base.orderBy.length > 0 && over.orderBy.length > 0) overridden = 'ORDER BY clause';
    else if (base.frame !== null) overridden = 'frame specification';
    if (overridden) throw new SqliteError('SQLITE_ERROR', `cannot override ${overridden} of window: ${baseName}`);
    return { partitionBy: base.partitionBy, orderBy: over.orderBy.length > 0 ? over.orderBy : base.orderBy, frame: over.frame };
  }

  private definition(name: string): WindowSpec {
    const found = this.named.get(name.toLowerCase());
    if (!found) throw new SqliteError('SQLITE_ERROR', `no such window: ${name}`);
    return found;
  }

  /**
   * The sorting of `window`, shared with earlier windows that SQLite considers the same: alike in
   * partitioning, order and frame (`frame` is the frame's signature). SQLite runs different windows
   * as nested queries, each sorting the rows of the next, so windows that differ only in their frame
   * are sorted apart too.
   */
  private sorting(window: ResolvedWindow, frame: string): Sorting {
    const keys = treeText([window.partitionBy, window.orderBy]);
    const signature = `${keys}${frame}`;
    const found = this.sortings.find((s) => s.signature === signature);
    if (found) return found;
    const partition = window.partitionBy.map((e) => compileExpr(e, this.argContext));
    const order = window.orderBy.map((t) => compileExpr(t.expr, this.argContext));
    const sorting: Sorting = {
      signature,
      partition: partition.map((c) => this.addInput(c.fn)),
      partitionCollations: partition.map((c) => c.collation),
      order: order.map((c) => this.addInput(c.fn)),
      orderKeys: window.orderBy.map((t, i) => orderKey(t, i, order[i]!.collation)),
      calls: [],
    };
    this.sortings.push(sorting);
    return sorting;
  }

  // ---- running ----------------------------------------------------------------------------------

  /** Makes row `row` (a row number of the input) the one the output reads. */
  select(row: number): void {
    this.current = row;
  }

  /** Reads the whole input and computes every call; returns the row numbers in output order. */
  run(next: () => boolean): number[] {
    const inputs = this.inputs;
    const types: number[] = [];
    const values: SqlValue[] = [];
    let n = 0;
    while (next()) {
      for (let k = 0; k < inputs.length; k++) {
        values.push(inputs[k]!());
        types.push(evalType);
      }
      n++;
    }
    this.types = types;
    this.values = values;
    for (const call of this.calls) {
      call.resultTypes = new Uint8Array(n);
      call.resultValues = new Array<SqlValue>(n).fill(null);
    }
    const order: number[] = Array.from({ length: n }, (_, i) => i);
    if (n === 0) return order;
    // SQLite checks the frame offsets from the last window call to the first.
    for (let c = this.calls.length - 1; c >= 0; c--) {
      const call = this.calls[c]!;
      if (!call.builtin || call.builtin.usesFrame) call.frame.prepare();
    }
    const work = new PartitionWork(n);
    for (let s = this.sortings.length - 1; s >= 0; s--) this.runSorting(this.sortings[s]!, order, work);
    return order;
  }

  /** Releases the stored rows. */
  clear(): void {
    this.types = [];
    this.values = [];
    for (const call of this.calls) {
      call.resultTypes = new Uint8Array(0);
      call.resultValues = [];
    }
  }

  private runSorting(sorting: Sorting, order: number[], work: PartitionWork): void {
    const store: RowStore = { types: this.types, values: this.values, width: this.inputs.length };
    sortRows(order, store, sorting);
    const { types, values, width } = store;
    const keyColumn = sorting.order[0] ?? 0;
    work.keyType = (position) => types[order[position]! * width + keyColumn] as ValueType;
    work.keyValue = (position) => values[order[position]! * width + keyColumn]!;
    const newPeer = (p: number): boolean => comparePeers(store, sorting, order[p - 1]!, order[p]!) !== 0;
    const n = order.length;
    let start = 0;
    while (start < n) {
      let end = start + 1;
      while (end < n && samePartition(store, sorting, order[start]!, order[end]!)) end++;
      work.setPartition(start, end, newPeer);
      for (const call of sorting.calls) {
        if (call.builtin) this.runBuiltin(call, call.builtin, work, order);
        else if (call.extreme !== null && call.exclude === EXCLUDE_NONE) this.runExtreme(call, work, order);
        else this.runAggregate(call, work, order);
      }
      start = end;
    }
  }

  private runBuiltin(call: WindowCall, fn: WindowFunction, work: PartitionWork, order: number[]): void {
    const view = work.view;
    view.bind(this.types, this.values, this.inputs.length, order, call.args, work.start, work.end);
    const r = this.result;
    for (let p = work.start; p < work.end; p++) {
      view.moveTo(p, work);
      if (fn.usesFrame) {
        call.frame.compute(work, p);
        work.frameRows.set(call.frame.frameStart, call.frame.frameEnd, call.exclude, p, work);
      }
      r.reset();
      fn.compute(view, r);
      this.store(call, order[p]!);
    }
  }

  private runAggregate(call: WindowCall, work: PartitionWork, order: number[]): void {
    const frame = call.frame;
    const rows = work.frameRows;
    const r = this.result;
    let state: Aggregate | null = null;
    // The aggregate holds the rows of positions [from, to) that pass FILTER.
    let from = work.start;
    let to = work.start;
    for (let p = work.start; p < work.end; p++) {
      frame.compute(work, p);
      const fs = frame.frameStart;
      if (call.exclude !== EXCLUDE_NONE) {
        const fresh = this.newAggregate(call);
        rows.set(fs, frame.frameEnd, call.exclude, p, work);
        const size = rows.size();
        for (let i = 0; i < size; i++) this.feed(call, fresh, order[rows.at(i)]!, false);
        fresh.final(r.reset());
        this.store(call, order[p]!);
        continue;
      }
      if (call.invertible) {
        // As SQLite's frame cursors move: from the partition's start on, a row enters once the
        // frame's end passes it and leaves once its start does. Rows leave before others enter, and
        // a row the start has passed already leaves as soon as it has entered.
        state ??= this.newAggregate(call);
        for (const leaving = Math.min(fs, to); from < leaving; from++) this.feed(call, state, order[from]!, true);
        for (const passed = Math.min(fs, frame.reach); to < passed; to++, from++) {
          this.feed(call, state, order[to]!, false);
          this.feed(call, state, order[to]!, true);
        }
        for (; to < frame.reach; to++) this.feed(call, state, order[to]!, false);
      } else {
        if (state === null || fs !== from) {
          state = this.newAggregate(call);
          from = to = fs;
        }
        for (; to < frame.frameEnd; to++) this.feed(call, state, order[to]!, false);
      }
      state.value(r.reset());
      this.store(call, order[p]!);
    }
  }

  /**
   * min() or max() over a frame whose start moves, with a monotonic queue: the positions of the frame
   * that may still become the best, best first. SQLite keeps such a frame's values in an index where
   * the most recent of equal values comes first, so a new value drops from the tail those worse than
   * or equal to it, and the result is the best value's latest row in the frame.
   */
  private runExtreme(call: WindowCall, work: PartitionWork, order: number[]): void {
    const frame = call.frame;
    const queue = work.queue;
    const width = this.inputs.length;
    const types = this.types;
    const values = this.values;
    const column = call.args[0]!;
    const sign = call.extreme === MAX ? -1 : 1;
    const collation = call.ctx.collation;
    let head = 0;
    let tail = 0;
    let to = work.start;
    for (let p = work.start; p < work.end; p++) {
      frame.compute(work, p);
      for (; to < frame.reach; to++) {
        const at = order[to]! * width;
        if (call.filter >= 0 && values[at + call.filter] !== 1) continue;
        const t = types[at + column] as ValueType;
        if (t === ValueType.Null) continue;
        const v = values[at + column]!;
        while (tail > head) {
          const back = order[queue[tail - 1]!]! * width + column;
          if (sign * compareValues(types[back] as ValueType, values[back]!, t, v, collation) < 0) break;
          tail--;
        }
        queue[tail++] = to;
      }
      while (head < tail && queue[head]! < frame.frameStart) head++;
      const row = order[p]!;
      if (head < tail) {
        const best = order[queue[head]!]! * width + column;
        call.resultTypes[row] = types[best]!;
        call.resultValues[row] = values[best]!;
      } else {
        call.resultTypes[row] = ValueType.Null;
        call.resultValues[row] = null;
      }
    }
  }

  private newAggregate(call: WindowCall): Aggregate {
    return call.create!(call.ctx);
  }

  /** Steps (or, with `inverse`, removes) input row `row` in `state`, unless FILTER rejects it. */
  private feed(call: WindowCall, state: Aggregate, row: number, inverse: boolean): void {
    const base = row * this.inputs.length;
    if (call.filter >= 0 && this.values[base + call.filter] !== 1) return;
    const slots = call.slots;
    const args = call.args;
    for (let j = 0; j < args.length; j++) {
      slots.types[j] = this.types[base + args[j]!]!;
      slots.values[j] = this.values[base + args[j]!]!;
    }
    if (inverse) state.inverse!(slots);
    else state.step(slots);
  }

  /** Stores the result just computed as `call`'s value for input row `row`. */
  private store(call: WindowCall, row: number): void {
    const r = this.result;
    if (r.errorMessage !== null) throw new SqliteError('SQLITE_ERROR', r.errorMessage);
    if (r.tooLarge) throw new SqliteError('SQLITE_TOOBIG', 'string or blob too big');
    call.resultTypes[row] = r.type;
    call.resultValues[row] = r.value;
  }
}

/** Name resolution for the output of a windowed SELECT: a value of the input rows is read from the store. */
class WindowScope implements Scope {
  constructor(
    private readonly rows: Scope | null,
    private readonly plan: WindowPlan,
  ) {}

  column(ref: ColumnRef): Compiled | undefined {
    const found = this.rows?.column(ref);
    if (!found) return undefined;
    const key = `${ref.schema?.name.toLowerCase() ?? ''}.${ref.table?.name.toLowerCase() ?? ''}.${ref.column.name.toLowerCase()}`;
    return this.plan.capture(found, key);
  }
}

/** The frame of a row after EXCLUDE: positions [aStart, aEnd), then `keep` (if ≥ 0), then [bStart, bEnd). */
class FrameRows {
  private aStart = 0;
  private aEnd = 0;
  private keep = -1;
  private bStart = 0;
  private bEnd = 0;

  set(start: number, end: number, exclude: number, position: number, p: Partition): void {
    if (exclude === EXCLUDE_NONE || exclude === EXCLUDE_NO_OTHERS) {
      this.aStart = start;
      this.aEnd = end;
      this.keep = -1;
      this.bStart = this.bEnd = end;
      return;
    }
    const xs = exclude === EXCLUDE_CURRENT_ROW ? position : p.peerStart[position]!;
    const xe = exclude === EXCLUDE_CURRENT_ROW ? position + 1 : p.peerEnd[position]!;
    this.aStart = start;
    this.aEnd = Math.max(start, Math.min(end, xs));
    this.keep = exclude === EXCLUDE_TIES && position >= start && position < end ? position : -1;
    this.bStart = Math.max(start, xe);
    this.bEnd = Math.max(this.bStart, end);
  }

  size(): number {
    return this.aEnd - this.aStart + (this.keep >= 0 ? 1 : 0) + (this.bEnd - this.bStart);
  }

  /** The position of the frame's `n`-th row. */
  at(n: number): number {
    const a = this.aEnd - this.aStart;
    if (n < a) return this.aStart + n;
    n -= a;
    if (this.keep >= 0) {
      if (n === 0) return this.keep;
      n--;
    }
    return this.bStart + n;
  }
}

/** The current partition of a sorting, its peer groups, and the reusable views over it. */
class PartitionWork implements Partition {
  start = 0;
  end = 0;
  readonly peerStart: Int32Array;
  readonly peerEnd: Int32Array;
  readonly peerGroup: Int32Array;
  readonly groupStarts: Int32Array;
  groupCount = 0;
  /** Positions queued by a sliding min() or max(). */
  readonly queue: Int32Array;
  keyType: (position: number) => ValueType = () => ValueType.Null;
  keyValue: (position: number) => SqlValue = () => null;
  readonly frameRows = new FrameRows();
  readonly view = new PartitionView(this.frameRows);

  constructor(n: number) {
    this.peerStart = new Int32Array(n);
    this.peerEnd = new Int32Array(n);
    this.peerGroup = new Int32Array(n);
    this.groupStarts = new Int32Array(n + 1);
    this.queue = new Int32Array(n);
  }

  /** Sets the partition [start, end); `newPeer(p)` tells whether position p starts a peer group. */
  setPartition(start: number, end: number, newPeer: (position: number) => boolean): void {
    this.start = start;
    this.end = end;
    let groups = 0;
    for (let p = start; p < end; p++) {
      if (p === start || newPeer(p)) this.groupStarts[groups++] = p;
      this.peerGroup[p] = groups - 1;
    }
    this.groupStarts[groups] = end;
    this.groupCount = groups;
    for (let p = start; p < end; p++) {
      const g = this.peerGroup[p]!;
      this.peerStart[p] = this.groupStarts[g]!;
      this.peerEnd[p] = this.groupStarts[g + 1]!;
    }
  }
}

/** A built-in window function's view of the partition, positions relative to its start. */
class PartitionView implements WindowRows {
  size = 0;
  position = 0;
  peerStart = 0;
  peerEnd = 0;
  peerGroup = 0;
  argCount = 0;
  private types: number[] = [];
  private values: SqlValue[] = [];
  private width = 0;
  private order: number[] = [];
  private args: number[] = [];
  private base = 0;

  constructor(private readonly frame: FrameRows) {}

  bind(types: number[], values: SqlValue[], width: number, order: number[], args: number[], start: number, end: number): void {
    this.types = types;
    this.values = values;
    this.width = width;
    this.order = order;
    this.args = args;
    this.argCount = args.length;
    this.base = start;
    this.size = end - start;
  }

  moveTo(position: number, p: Partition): void {
    this.position = position - this.base;
    this.peerStart = p.peerStart[position]! - this.base;
    this.peerEnd = p.peerEnd[position]! - this.base;
    this.peerGroup = p.peerGroup[position]!;
  }

  type(arg: number, position: number): ValueType {
    return this.types[this.order[this.base + position]! * this.width + this.args[arg]!] as ValueType;
  }

  value(arg: number, position: number): SqlValue {
    return this.values[this.order[this.base + position]! * this.width + this.args[arg]!]!;
  }

  frameSize(): number {
    return this.frame.size();
  }

  frameRow(n: number): number {
    return this.frame.at(n) - this.base;
  }
}

/** Produces the rows of a windowed SELECT, in window order, with every window call computed. */
export class WindowStream {
  private order: number[] | null = null;
  private position = 0;

  constructor(
    private readonly plan: WindowPlan,
    private readonly input: { reset(): void; next(): boolean },
  ) {}

  reset(): void {
    this.order = null;
    this.position = 0;
    this.plan.clear();
    this.input.reset();
  }

  next(): boolean {
    this.order ??= this.plan.run(() => this.input.next());
    if (this.position >= this.order.length) return false;
    this.plan.select(this.order[this.position++]!);
    return true;
  }
}
