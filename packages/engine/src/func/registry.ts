/**
 * The built-in function registry: names (case-insensitive) and argument counts to implementations.
 *
 * A name may have several entries by argument count: max(X) is the aggregate and max(X, Y, …) the
 * scalar; count() is count(*) and count(X) counts non-NULL values. A known name called with a count
 * no entry accepts is SQLite's error "wrong number of arguments to function NAME()" (NAME as written
 * in the call); an unknown name returns undefined, for the caller to report "no such function".
 */
import { SqliteError } from '../common/errors.js';
import { avg, countStar, countValues, groupConcat, max, min, sum, total } from './aggregate.js';
import {
  changesFunction,
  coalesceFunction,
  iifFunction,
  lastInsertRowidFunction,
  likelihoodFunction,
  likelyFunction,
  maxFunction,
  minFunction,
  nullifFunction,
  sqliteVersionFunction,
  totalChangesFunction,
  typeofFunction,
} from './core.js';
import {
  dateFunction,
  datetimeFunction,
  juliandayFunction,
  strftimeFunction,
  timediffFunction,
  timeFunction,
  unixepochFunction,
} from './datetime.js';
import {
  binaryMath,
  degrees,
  fmod,
  logarithm,
  logBaseFunction,
  piFunction,
  power,
  radians,
  roundingMath,
  unaryMath,
} from './math.js';
import { registerJsonFunctions } from './json/register.js';
import { absFunction, randomFunction, randomblobFunction, roundFunction, signFunction, zeroblobFunction } from './numeric.js';
import { PatternKind, makePatternFunction } from './pattern.js';
import { formatFunction } from './printf.js';
import {
  charFunction,
  concatFunction,
  concatWsFunction,
  hexFunction,
  instrFunction,
  lengthFunction,
  lowerFunction,
  ltrimFunction,
  octetLengthFunction,
  quoteFunction,
  replaceFunction,
  rtrimFunction,
  soundexFunction,
  substrFunction,
  trimFunction,
  unhexFunction,
  unicodeFunction,
  upperFunction,
} from './text.js';
import type { AggregateFactory, FunctionDescriptor, ScalarFunction } from './types.js';

/** No upper bound on the argument count. */
const ANY = Infinity;

interface Entry {
  min: number;
  max: number;
  descriptor: FunctionDescriptor;
}

const registry = new Map<string, Entry[]>();

function add(name: string, min: number, max: number, descriptor: FunctionDescriptor): void {
  let list = registry.get(name);
  if (list === undefined) registry.set(name, (list = []));
  list.push({ min, max, descriptor });
}

function scalar(name: string, min: number, max: number, implementation: ScalarFunction, deterministic = true): void {
  add(name, min, max, { kind: 'scalar', name, deterministic, implementation });
}

function aggregate(name: string, min: number, max: number, implementation: AggregateFactory, invertible: boolean): void {
  add(name, min, max, { kind: 'aggregate', name, deterministic: true, invertible, implementation });
}

scalar('abs', 1, 1, absFunction);
scalar('changes', 0, 0, changesFunction, false);
scalar('char', 0, ANY, charFunction);
scalar('coalesce', 2, ANY, coalesceFunction);
scalar('concat', 1, ANY, concatFunction);
scalar('concat_ws', 2, ANY, concatWsFunction);
scalar('format', 0, ANY, (_ctx, args, result) => formatFunction(args, result));
scalar('printf', 0, ANY, (_ctx, args, result) => formatFunction(args, result));
scalar('glob', 2, 2, makePatternFunction(PatternKind.Glob));
scalar('hex', 1, 1, hexFunction);
scalar('ifnull', 2, 2, coalesceFunction);
scalar('iif', 2, ANY, iifFunction);
scalar('if', 2, ANY, iifFunction);
scalar('instr', 2, 2, instrFunction);
scalar('last_insert_rowid', 0, 0, lastInsertRowidFunction, false);
scalar('length', 1, 1, lengthFunction);
scalar('like', 2, 3, makePatternFunction(PatternKind.Like));
scalar('likelihood', 2, 2, likelihoodFunction);
scalar('likely', 1, 1, likelyFunction);
scalar('unlikely', 1, 1, likelyFunction);
scalar('lower', 1, 1, lowerFunction);
scalar('upper', 1, 1, upperFunction);
scalar('ltrim', 1, 2, ltrimFunction);
scalar('rtrim', 1, 2, rtrimFunction);
scalar('trim', 1, 2, trimFunction);
scalar('max', 2, ANY, maxFunction);
scalar('min', 2, ANY, minFunction);
scalar('nullif', 2, 2, nullifFunction);
scalar('octet_length', 1, 1, octetLengthFunction);
scalar('quote', 1, 1, quoteFunction);
scalar('random', 0, 0, randomFunction, false);
scalar('randomblob', 1, 1, randomblobFunction, false);
scalar('replace', 3, 3, replaceFunction);
scalar('round', 1, 2, roundFunction);
scalar('sign', 1, 1, signFunction);
scalar('soundex', 1, 1, soundexFunction);
scalar('sqlite_version', 0, 0, sqliteVersionFunction);
scalar('substr', 2, 3, substrFunction);
scalar('substring', 2, 3, substrFunction);
scalar('total_changes', 0, 0, totalChangesFunction, false);
scalar('typeof', 1, 1, typeofFunction);
scalar('unhex', 1, 2, unhexFunction);
scalar('unicode', 1, 1, unicodeFunction);
scalar('zeroblob', 1, 1, zeroblobFunction);

scalar('date', 0, ANY, dateFunction);
scalar('datetime', 0, ANY, datetimeFunction);
scalar('julianday', 0, ANY, juliandayFunction);
scalar('strftime', 0, ANY, strftimeFunction);
scalar('time', 0, ANY, timeFunction);
scalar('timediff', 2, 2, timediffFunction);
scalar('unixepoch', 0, ANY, unixepochFunction);

scalar('acos', 1, 1, unaryMath(Math.acos));
scalar('acosh', 1, 1, unaryMath(Math.acosh));
scalar('asin', 1, 1, unaryMath(Math.asin));
scalar('asinh', 1, 1, unaryMath(Math.asinh));
scalar('atan', 1, 1, unaryMath(Math.atan));
scalar('atan2', 2, 2, binaryMath(Math.atan2));
scalar('atanh', 1, 1, unaryMath(Math.atanh));
scalar('ceil', 1, 1, roundingMath(Math.ceil));
scalar('ceiling', 1, 1, roundingMath(Math.ceil));
scalar('cos', 1, 1, unaryMath(Math.cos));
scalar('cosh', 1, 1, unaryMath(Math.cosh));
scalar('degrees', 1, 1, unaryMath(degrees));
scalar('exp', 1, 1, unaryMath(Math.exp));
scalar('floor', 1, 1, roundingMath(Math.floor));
scalar('ln', 1, 1, logarithm(Math.log));
scalar('log', 1, 1, logarithm(Math.log10));
scalar('log', 2, 2, logBaseFunction);
scalar('log10', 1, 1, logarithm(Math.log10));
scalar('log2', 1, 1, logarithm(Math.log2));
scalar('mod', 2, 2, binaryMath(fmod));
scalar('pi', 0, 0, piFunction);
scalar('pow', 2, 2, binaryMath(power));
scalar('power', 2, 2, binaryMath(power));
scalar('radians', 1, 1, unaryMath(radians));
scalar('sin', 1, 1, unaryMath(Math.sin));
scalar('sinh', 1, 1, unaryMath(Math.sinh));
scalar('sqrt', 1, 1, unaryMath(Math.sqrt));
scalar('tan', 1, 1, unaryMath(Math.tan));
scalar('tanh', 1, 1, unaryMath(Math.tanh));
scalar('trunc', 1, 1, roundingMath(Math.trunc));

aggregate('avg', 1, 1, avg, true);
aggregate('count', 0, 0, countStar, true);
aggregate('count', 1, 1, countValues, true);
aggregate('group_concat', 1, 2, groupConcat, true);
aggregate('string_agg', 2, 2, groupConcat, true);
aggregate('max', 1, 1, max, false);
aggregate('min', 1, 1, min, false);
aggregate('sum', 1, 1, sum, true);
aggregate('total', 1, 1, total, true);

registerJsonFunctions(scalar, aggregate);

const caseSensitiveLike: FunctionDescriptor = {
  kind: 'scalar',
  name: 'like',
  deterministic: true,
  implementation: makePatternFunction(PatternKind.CaseSensitiveLike),
};

/** Options that change which implementation a name resolves to. */
export interface LookupOptions {
  /** PRAGMA case_sensitive_like: like() compares letters exactly. */
  caseSensitiveLike?: boolean;
}

/**
 * The built-in function `name` taking `argc` arguments; undefined if no built-in has that name.
 * Throws SQLITE_ERROR "wrong number of arguments to function NAME()" for a known name whose entries
 * do not accept `argc` arguments.
 */
export function lookupFunction(name: string, argc: number, options: LookupOptions = {}): FunctionDescriptor | undefined {
  const list = registry.get(name.toLowerCase());
  if (list === undefined) return undefined;
  for (const e of list) {
    if (argc >= e.min && argc <= e.max) {
      if (options.caseSensitiveLike && e.descriptor.name === 'like') return caseSensitiveLike;
      return e.descriptor;
    }
  }
  throw new SqliteError('SQLITE_ERROR', `wrong number of arguments to function ${name}()`);
}

/** Names of all built-in functions, in lower case. */
export function functionNames(): string[] {
  return [...registry.keys()];
}
