/**
 * The page's end of `db.function(name, fn)` when the engine runs in a worker. The worker's stand-in for
 * `fn` (function-bridge.ts in @hearth/worker) posts each call here and blocks in `Atomics.wait`; the host
 * runs `fn` at once, writes the result into the shared buffer (layout: `FunctionSlot`) and wakes the
 * worker with `Atomics.notify`. Results bigger than the buffer go in chunks, one per `more` request.
 *
 * Invariants: the worker waits for exactly one answer per message, so every message is answered, whatever
 * happens; `fn` runs synchronously, and while it runs the worker is blocked — so a call into the database
 * from inside `fn` cannot be served: `checkReentry` refuses it at once, and the SQL statement that called
 * `fn` fails with the same explanation instead of hanging.
 */
import { SqliteError } from '@hearth/engine';
import {
  type ErrorShape,
  FUNCTION_DATA_OFFSET,
  FUNCTION_NUMBER_OFFSET,
  type FunctionCall,
  type FunctionMore,
  FunctionSlot,
  FunctionState,
  ResultKind,
  errorShape,
} from '@hearth/worker';

/** Bytes of the shared buffer when none is given: 256 KiB of result per chunk. */
export const DEFAULT_FUNCTION_BUFFER_BYTES = FUNCTION_DATA_OFFSET + 256 * 1024;

/** The largest result payload the buffer's Int32 length slot can announce. */
const MAX_PAYLOAD = 2 ** 31 - 1;

type PageFunction = (...args: unknown[]) => unknown;

interface Registered {
  readonly conn: number;
  readonly key: string;
  readonly name: string;
  readonly fn: PageFunction;
}

/** A result on its way to the worker: what it is, and its payload bytes. */
interface Answer {
  kind: number;
  number: number;
  bytes: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);
const utf8 = new TextEncoder();

export class FunctionHost {
  readonly buffer: SharedArrayBuffer;
  private readonly slots: Int32Array;
  private readonly number: Float64Array;
  private readonly data: Uint8Array;
  private readonly functions = new Map<number, Registered>();
  /** Per connection, name and argument count: the id the worker's engine calls. */
  private readonly current = new Map<string, number>();
  private nextId = 1;
  /** The payload still to send in chunks, and how much of it went already. */
  private pending: { bytes: Uint8Array; sent: number } | null = null;
  /** The name of the function running now, if one is. */
  private running: string | null = null;
  /** Whether the running function tried to use the database. */
  private reentered = false;

  constructor(bytes = DEFAULT_FUNCTION_BUFFER_BYTES) {
    this.buffer = new SharedArrayBuffer(Math.max(bytes, FUNCTION_DATA_OFFSET + 8));
    this.slots = new Int32Array(this.buffer, 0, 4);
    this.number = new Float64Array(this.buffer, FUNCTION_NUMBER_OFFSET, 1);
    this.data = new Uint8Array(this.buffer, FUNCTION_DATA_OFFSET);
  }

  /** A new id for `fn`, SQL function `name` of connection `conn` taking `argc` arguments (-1: any). */
  register(conn: number, name: string, argc: number, fn: PageFunction): number {
    const id = this.nextId++;
    this.functions.set(id, { conn, key: `${conn}/${argc}/${name.toLowerCase()}`, name, fn });
    return id;
  }

  /** Makes `id` the function its connection, name and argument count stand for (the worker defined it). */
  activate(id: number): void {
    const registered = this.functions.get(id);
    if (!registered) return;
    const previous = this.current.get(registered.key);
    if (previous !== undefined) this.functions.delete(previous);
    this.current.set(registered.key, id);
  }

  /** Drops an id the worker refused to define. */
  discard(id: number): void {
    this.functions.delete(id);
  }

  /** Drops the functions of a closed connection. */
  forgetConnection(conn: number): void {
    for (const [id, registered] of this.functions) {
      if (registered.conn !== conn) continue;
      this.functions.delete(id);
      if (this.current.get(registered.key) === id) this.current.delete(registered.key);
    }
  }

  /** SQLITE_MISUSE when called while a function runs for the worker: the database cannot answer then. */
  checkReentry(): void {
    if (this.running === null) return;
    this.reentered = true;
    throw new SqliteError('SQLITE_MISUSE', reentryMessage(this.running));
  }

  /** Answers a message of the worker: a call (runs the function) or a request for the next chunk. */
  receive(message: FunctionCall | FunctionMore): void {
    if ('more' in message) {
      this.writeChunk();
      return;
    }
    let answer: Answer;
    try {
      answer = this.run(message);
    } catch (err) {
      answer = errorAnswer(errorShape(err));
    }
    Atomics.store(this.slots, FunctionSlot.KIND, answer.kind);
    Atomics.store(this.slots, FunctionSlot.TOTAL, answer.bytes.length);
    this.number[0] = answer.number;
    this.pending = { bytes: answer.bytes, sent: 0 };
    this.writeChunk();
  }

  private run(call: FunctionCall): Answer {
    const registered = this.functions.get(call.call);
    if (!registered) throw new SqliteError('SQLITE_MISUSE', 'the SQL function called is no longer defined on the page');
    this.running = registered.name;
    this.reentered = false;
    let value: unknown;
    try {
      value = registered.fn(...call.args);
    } finally {
      this.running = null;
    }
    if (isThenable(value)) value.then(undefined, () => undefined);
    if (this.reentered) throw new SqliteError('SQLITE_MISUSE', reentryMessage(registered.name));
    return encode(value);
  }

  /** Writes the next chunk of the pending payload (none left: an empty one) and wakes the worker. */
  private writeChunk(): void {
    const pending = this.pending;
    let length = 0;
    if (pending) {
      length = Math.min(this.data.length, pending.bytes.length - pending.sent);
      this.data.set(pending.bytes.subarray(pending.sent, pending.sent + length));
      pending.sent += length;
      if (pending.sent >= pending.bytes.length) this.pending = null;
    }
    Atomics.store(this.slots, FunctionSlot.CHUNK, length);
    Atomics.store(this.slots, FunctionSlot.STATE, FunctionState.READY);
    Atomics.notify(this.slots, FunctionSlot.STATE);
  }
}

function reentryMessage(name: string): string {
  return `the SQL function ${name}() used the database: the worker waits for the function's result, so a function defined with db.function must compute it synchronously, without the database`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The answer for what a function returned; SQL's rules for it are the engine's, in the worker. */
function encode(value: unknown): Answer {
  if (typeof value === 'number') return { kind: ResultKind.NUMBER, number: value, bytes: NO_BYTES };
  if (value === null || value === undefined) return { kind: ResultKind.NULL, number: 0, bytes: NO_BYTES };
  if (typeof value === 'string') return payload(ResultKind.TEXT, utf8.encode(value));
  if (typeof value === 'bigint') return payload(ResultKind.BIGINT, utf8.encode(value.toString()));
  if (ArrayBuffer.isView(value)) return payload(ResultKind.BLOB, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  return { kind: ResultKind.INVALID, number: 0, bytes: NO_BYTES };
}

function payload(kind: number, bytes: Uint8Array): Answer {
  if (bytes.length > MAX_PAYLOAD) throw new SqliteError('SQLITE_TOOBIG', 'string or blob too big');
  return { kind, number: 0, bytes };
}

function errorAnswer(shape: ErrorShape): Answer {
  return { kind: ResultKind.ERROR, number: 0, bytes: utf8.encode(JSON.stringify(shape)) };
}
