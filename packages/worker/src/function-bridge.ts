/**
 * The worker's end of `db.function(name, fn)` called on the page: the engine calls SQL functions
 * synchronously, but `fn` lives on the page's main thread. So the stand-in the engine gets posts the call
 * (function id and arguments) on a MessagePort and blocks in `Atomics.wait` on a SharedArrayBuffer until the
 * page has run `fn` and written its result there (layout: `FunctionSlot` in protocol.ts). This needs a
 * cross-origin isolated page (SharedArrayBuffer) and a dedicated worker (allowed to block).
 *
 * Invariants: one call at a time (the worker is single-threaded); STATE is WAITING from just before a
 * message goes out until the page answers it; a result bigger than the buffer arrives in chunks, each
 * asked for with a `FunctionMore` message. What the result means is decided by the engine as for a
 * function of its own thread: an invalid value is handed on for the engine to refuse, an error thrown on
 * the page is thrown here again (same class name, message and code).
 */
import { SqliteError, type SqliteErrorCode } from '@hearth/engine';
import {
  FUNCTION_DATA_OFFSET,
  FUNCTION_NUMBER_OFFSET,
  type ErrorShape,
  type FunctionCall,
  type FunctionMore,
  FunctionSlot,
  FunctionState,
  ResultKind,
} from './protocol.js';

/** Where calls go out: the worker's end of the functions MessageChannel. */
export interface CallPort {
  postMessage(message: FunctionCall | FunctionMore, transfer?: Transferable[]): void;
}

/** What the engine gets for a result SQL cannot hold: it refuses it with its own TypeError. */
const INVALID_RESULT = Object.freeze({ invalid: true });

const utf8 = new TextDecoder();

export class FunctionBridge {
  private readonly slots: Int32Array;
  private readonly number: Float64Array;
  private readonly data: Uint8Array;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly port: CallPort,
  ) {
    if (buffer.byteLength <= FUNCTION_DATA_OFFSET) throw new RangeError('the functions buffer is too small');
    this.slots = new Int32Array(buffer, 0, 4);
    this.number = new Float64Array(buffer, FUNCTION_NUMBER_OFFSET, 1);
    this.data = new Uint8Array(buffer, FUNCTION_DATA_OFFSET);
  }

  /** The stand-in for the page's function `id`, with `arity` as its `length` (the engine's argument count). */
  stub(id: number, arity: number): (...args: never[]) => unknown {
    const call = (...args: unknown[]): unknown => this.call(id, args);
    Object.defineProperty(call, 'length', { value: arity });
    return call as (...args: never[]) => unknown;
  }

  /** Calls the page's function `id` with `args` and waits for its result. */
  call(id: number, args: unknown[]): unknown {
    const blobs: ArrayBuffer[] = [];
    for (const arg of args) if (arg instanceof Uint8Array && arg.buffer instanceof ArrayBuffer && !blobs.includes(arg.buffer)) blobs.push(arg.buffer);
    this.send({ call: id, args }, blobs);
    const kind = Atomics.load(this.slots, FunctionSlot.KIND);
    if (kind === ResultKind.NUMBER) return this.number[0]!;
    if (kind === ResultKind.NULL) return null;
    if (kind === ResultKind.INVALID) return INVALID_RESULT;
    const payload = this.receivePayload();
    switch (kind) {
      case ResultKind.TEXT:
        return utf8.decode(payload);
      case ResultKind.BLOB:
        return payload;
      case ResultKind.BIGINT:
        return BigInt(utf8.decode(payload));
      default:
        throw thrownOnPage(JSON.parse(utf8.decode(payload)) as ErrorShape);
    }
  }

  /** Posts `message` and blocks until the page has answered it. */
  private send(message: FunctionCall | FunctionMore, transfer: Transferable[] = []): void {
    Atomics.store(this.slots, FunctionSlot.STATE, FunctionState.WAITING);
    this.port.postMessage(message, transfer);
    while (Atomics.load(this.slots, FunctionSlot.STATE) === FunctionState.WAITING) {
      Atomics.wait(this.slots, FunctionSlot.STATE, FunctionState.WAITING);
    }
  }

  /** The whole payload of the answer in hand, asking for the chunks that follow the first. */
  private receivePayload(): Uint8Array {
    const total = Atomics.load(this.slots, FunctionSlot.TOTAL);
    const payload = new Uint8Array(total);
    let received = 0;
    for (;;) {
      const chunk = Atomics.load(this.slots, FunctionSlot.CHUNK);
      payload.set(this.data.subarray(0, chunk), received);
      received += chunk;
      if (received >= total || chunk === 0) return payload;
      this.send({ more: true });
    }
  }
}

/** The error the page's function threw, rebuilt in the worker (a SqliteError when it had a code). */
function thrownOnPage(shape: ErrorShape): Error {
  if (typeof shape.code === 'string') return new SqliteError(shape.code as SqliteErrorCode, shape.message);
  const error = shape.name === 'TypeError' ? new TypeError(shape.message) : shape.name === 'RangeError' ? new RangeError(shape.message) : new Error(shape.message);
  if (error.name !== shape.name) error.name = shape.name;
  return error;
}
