/**
 * LIKE and GLOB pattern matching (sqlite.org/lang_expr.html#like), for the operators and for the
 * like() and glob() functions.
 *
 * LIKE: `%` matches any run of characters, `_` any one character, an ESCAPE character makes the next
 * character literal; letters compare case-insensitively for ASCII only (as SQLite without ICU), unless
 * the match is case-sensitive (PRAGMA case_sensitive_like). GLOB: `*`, `?`, and `[...]` sets with
 * `^` negation and `a-z` ranges (a `]` first in the set is literal, a `-` after a range or at either
 * end is literal, a set without its `]` never matches); case-sensitive, no escape character. A
 * trailing escape character matches nothing. Characters are Unicode code points; pattern and text
 * end at their first NUL, as SQLite reads them as C strings.
 *
 * A pattern compiles once into a token program held in typed arrays. A text is matched by reading its
 * characters into a code-point buffer the pattern reuses (case-folded on the way for LIKE without
 * case), then running single-star backtracking over it: linear in the text for each `%`/`*` kept,
 * never exponential, and no allocation per text matched. UTF-8 text can be matched straight from its
 * bytes (a record's, on its page); bytes that are not well-formed UTF-8 are decoded to a string first,
 * as reading the column would, so both ways agree.
 */
import { ValueType, decodeUtf8 } from '../record/value.js';
import { cString, charLength, utf8Length } from './chars.js';
import type { ScalarFunction } from './types.js';

const T_CHAR = 0; // a character (code point), case-folded when matching without case
const T_ONE = 1; // _ or ?
const T_ANY = 2; // % or *
const T_SET = 3; // [...]

/** How a built-in pattern function matches. */
export const PatternKind = { Like: 0, CaseSensitiveLike: 1, Glob: 2 } as const;
export type PatternKind = (typeof PatternKind)[keyof typeof PatternKind];

/** ASCII upper case to lower case; every other code point unchanged. */
function fold(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** The code points of a string up to its first NUL (a lone surrogate is a code point of its own). */
function codePointsOf(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c === 0) break;
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

/** A compiled LIKE or GLOB pattern. */
export class Pattern {
  /** Per token: T_CHAR, T_ONE, T_ANY or T_SET. */
  private readonly kinds: Uint8Array;
  /** Per token: T_CHAR's code point; T_SET's start in `sets`. */
  private readonly args: Int32Array;
  /** GLOB sets: at each start, the negation flag, the number of ranges, then the ranges' bounds. */
  private readonly sets: Int32Array;
  /** A trailing escape character or an unterminated set: the pattern matches nothing. */
  private readonly never: boolean;
  private readonly noCase: boolean;
  /**
   * When the pattern is only ASCII characters and `%`/`*`: its runs of characters between the stars
   * (case-folded for LIKE without case), matched straight on UTF-8 bytes; else null.
   */
  private readonly runs: Uint8Array[] | null;
  /** Whether the pattern starts, and ends, with a run rather than a star (with `runs`). */
  private readonly anchoredStart: boolean;
  private readonly anchoredEnd: boolean;
  /** The characters of the text being matched (only the first `n` are meaningful). */
  private codes = new Int32Array(64);

  constructor(pattern: string, kind: PatternKind, escape = -1) {
    const glob = kind === PatternKind.Glob;
    this.noCase = kind === PatternKind.Like;
    const p = codePointsOf(pattern);
    const kinds: number[] = [];
    const args: number[] = [];
    const sets: number[] = [];
    const emit = (kind: number, arg: number): void => {
      kinds.push(kind);
      args.push(arg);
    };
    const char = (c: number): void => emit(T_CHAR, this.noCase ? fold(c) : c);
    let never = false;
    for (let i = 0; i < p.length && !never; ) {
      const c = p[i]!;
      if (!glob && c === escape) {
        if (i + 1 >= p.length) never = true;
        else char(p[i + 1]!);
        i += 2;
      } else if (c === (glob ? 0x2a : 0x25)) {
        if (kinds.length === 0 || kinds[kinds.length - 1] !== T_ANY) emit(T_ANY, 0);
        i++;
      } else if (c === (glob ? 0x3f : 0x5f)) {
        emit(T_ONE, 0);
        i++;
      } else if (glob && c === 0x5b) {
        emit(T_SET, sets.length);
        i = compileSet(p, i + 1, sets);
        if (i < 0) never = true;
      } else {
        char(c);
        i++;
      }
    }
    this.never = never;
    this.kinds = Uint8Array.from(kinds);
    this.args = Int32Array.from(args);
    this.sets = Int32Array.from(sets);
    this.runs = literalRuns(kinds, args);
    this.anchoredStart = kinds.length === 0 || kinds[0] !== T_ANY;
    this.anchoredEnd = kinds.length === 0 || kinds[kinds.length - 1] !== T_ANY;
  }

  /** Whether the text `s` matches. */
  matchText(s: string): boolean {
    if (this.never) return false;
    const len = s.length;
    let codes = this.codes;
    if (codes.length < len) codes = this.codes = new Int32Array(len);
    const noCase = this.noCase;
    let n = 0;
    for (let i = 0; i < len; i++) {
      let c = s.charCodeAt(i);
      if (c === 0) break;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      } else if (noCase && c >= 0x41 && c <= 0x5a) {
        c += 0x20;
      }
      codes[n++] = c;
    }
    return this.run(n);
  }

  /** Whether the UTF-8 text `bytes[start, end)` matches. */
  matchUtf8(bytes: Uint8Array, start: number, end: number): boolean {
    if (this.never) return false;
    if (this.runs) return this.matchRuns(bytes, start, end);
    let codes = this.codes;
    if (codes.length < end - start) codes = this.codes = new Int32Array(end - start);
    const noCase = this.noCase;
    let n = 0;
    for (let i = start; i < end; ) {
      let c = bytes[i]!;
      if (c < 0x80) {
        if (c === 0) break;
        if (noCase && c >= 0x41 && c <= 0x5a) c += 0x20;
        codes[n++] = c;
        i++;
        continue;
      }
      const cp = wellFormedAt(bytes, i, end);
      if (cp < 0) return this.matchText(decodeUtf8(bytes, start, end));
      codes[n++] = cp;
      i += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    return this.run(n);
  }

  /**
   * Matches `runs` against the UTF-8 text `bytes[start, end)` (up to a NUL). Every run is ASCII, which
   * no byte of another character's encoding equals, so the bytes need no decoding: a run matches where
   * its bytes appear. The leftmost match of each middle run leaves the most room for the rest, so the
   * runs are searched for in turn.
   */
  private matchRuns(bytes: Uint8Array, start: number, end: number): boolean {
    const runs = this.runs!;
    const fold = this.noCase ? FOLD_ASCII : SAME_BYTE;
    let p = start;
    let first = 0;
    let last = runs.length;
    if (this.anchoredStart && last > 0) {
      const run = runs[0]!;
      if (end - p < run.length || !runAt(run, bytes, p, fold)) return false;
      p += run.length;
      first = 1;
    }
    if (this.anchoredEnd && last > first) last--;
    for (let r = first; r < last; r++) {
      const run = runs[r]!;
      // The run's first character, in both cases when they are folded.
      const lead = run[0]!;
      const other = this.noCase && lead >= 0x61 && lead <= 0x7a ? lead - 0x20 : lead;
      const limit = end - run.length;
      let q = p;
      for (; q <= limit; q++) {
        const b = bytes[q]!;
        if ((b === lead || b === other) && runAt(run, bytes, q, fold)) break;
        if (b === 0) return false;
      }
      if (q > limit) return false;
      p = q + run.length;
    }
    if (!this.anchoredEnd) return true;
    // The text ends at its first NUL: the last run must end there.
    let cut = p;
    while (cut < end && bytes[cut] !== 0) cut++;
    if (last === runs.length) return cut === p;
    const run = runs[last]!;
    return cut - run.length >= p && runAt(run, bytes, cut - run.length, fold);
  }

  /** Matches the tokens against `codes[0, n)`. */
  private run(n: number): boolean {
    const codes = this.codes;
    const kinds = this.kinds;
    const args = this.args;
    const m = kinds.length;
    let i = 0;
    let j = 0;
    let starJ = -1;
    let starI = 0;
    while (i < n) {
      if (j < m) {
        const k = kinds[j]!;
        if (k === T_ANY) {
          starJ = j++;
          starI = i;
          continue;
        }
        if (k === T_CHAR ? args[j] === codes[i] : k === T_ONE || this.inSet(args[j]!, codes[i]!)) {
          i++;
          j++;
          continue;
        }
      }
      if (starJ < 0) return false;
      j = starJ + 1;
      i = ++starI;
    }
    while (j < m && kinds[j] === T_ANY) j++;
    return j === m;
  }

  private inSet(at: number, c: number): boolean {
    const sets = this.sets;
    const end = at + 2 + 2 * sets[at + 1]!;
    for (let k = at + 2; k < end; k += 2) {
      if (c >= sets[k]! && c <= sets[k + 1]!) return sets[at] === 0;
    }
    return sets[at] !== 0;
  }
}

/** Byte maps: ASCII upper case to lower case, and the identity. */
const SAME_BYTE = Uint8Array.from({ length: 256 }, (_, b) => b);
const FOLD_ASCII = SAME_BYTE.map((b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b));

/** Whether `run` appears at `bytes[at]` once `fold` maps the bytes. */
function runAt(run: Uint8Array, bytes: Uint8Array, at: number, fold: Uint8Array): boolean {
  for (let k = 0; k < run.length; k++) if (fold[bytes[at + k]!] !== run[k]) return false;
  return true;
}

/** The runs of characters between stars of a pattern of ASCII characters and stars only; else null. */
function literalRuns(kinds: number[], args: number[]): Uint8Array[] | null {
  const runs: Uint8Array[] = [];
  let run: number[] = [];
  for (let j = 0; j <= kinds.length; j++) {
    if (j === kinds.length || kinds[j] === T_ANY) {
      if (run.length > 0) runs.push(Uint8Array.from(run));
      run = [];
    } else if (kinds[j] === T_CHAR && args[j]! < 0x80) {
      run.push(args[j]!);
    } else {
      return null;
    }
  }
  return runs;
}

/** Compiles a GLOB set starting after its `[` at p[i] into `sets`; returns the index after `]`, or -1 if none. */
function compileSet(p: number[], i: number, sets: number[]): number {
  const at = sets.length;
  sets.push(0, 0);
  if (p[i] === 0x5e) {
    sets[at] = 1;
    i++;
  }
  const range = (lo: number, hi: number): void => {
    sets.push(lo, hi);
    sets[at + 1]!++;
  };
  if (p[i] === 0x5d) {
    range(0x5d, 0x5d);
    i++;
  }
  let prior = 0;
  for (; i < p.length; i++) {
    const c = p[i]!;
    if (c === 0x5d) return i + 1;
    if (c === 0x2d && prior > 0 && i + 1 < p.length && p[i + 1] !== 0x5d) {
      range(prior, p[i + 1]!);
      i++;
      prior = 0;
    } else {
      range(c, c);
      prior = c;
    }
  }
  return -1;
}

/**
 * The code point of the multi-byte UTF-8 sequence at `bytes[i]` (below `end`), or -1 when it is not
 * well-formed (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, or a
 * value past U+10FFFF).
 */
function wellFormedAt(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i]!;
  let need: number;
  let cp: number;
  let min: number;
  if (b >= 0xc2 && b <= 0xdf) {
    need = 1;
    cp = b & 0x1f;
    min = 0x80;
  } else if (b >= 0xe0 && b <= 0xef) {
    need = 2;
    cp = b & 0x0f;
    min = 0x800;
  } else if (b >= 0xf0 && b <= 0xf4) {
    need = 3;
    cp = b & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (i + need >= end) return -1;
  for (let k = 1; k <= need; k++) {
    const c = bytes[i + k]!;
    if ((c & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return -1;
  return cp;
}

/** SQLITE_MAX_LIKE_PATTERN_LENGTH: longer patterns (in bytes) are an error. */
const MAX_PATTERN_BYTES = 50_000;

/**
 * The pattern of a call, checked as like() and glob() check it, given the pattern and escape operands
 * as text (`escape` null without an ESCAPE, `patternIsNull`/`escapeIsNull` for NULL operands). Returns
 * null when the result is NULL; throws when the pattern is too long or the escape not one character.
 */
export function checkedPattern(kind: PatternKind, pattern: string, patternIsNull: boolean, escape: string | null, escapeIsNull: boolean): Pattern | null {
  if (utf8Length(pattern) > MAX_PATTERN_BYTES) throw new PatternError('LIKE or GLOB pattern too complex');
  let escapeChar = -1;
  if (escape !== null) {
    if (escapeIsNull) return null;
    const e = cString(escape);
    if (charLength(e) !== 1) throw new PatternError('ESCAPE expression must be a single character');
    escapeChar = e.codePointAt(0)!;
  }
  return patternIsNull ? null : new Pattern(pattern, kind, escapeChar);
}

/** A pattern check's failure: like() reports it as its result's error, the operators as SQLITE_ERROR. */
export class PatternError extends Error {}

/** The kind of the built-in pattern functions, by implementation (what the operators may evaluate themselves). */
const builtins = new WeakMap<ScalarFunction, PatternKind>();

/** The kind of pattern `fn` matches when it is a built-in like() or glob(), else null. */
export function builtinPatternKind(fn: ScalarFunction): PatternKind | null {
  return builtins.get(fn) ?? null;
}

/**
 * The like(X, Y[, Z]) or glob(X, Y) SQL function — Y LIKE X ESCAPE Z, Y GLOB X. As in SQLite built with
 * SQLITE_LIKE_DOESNT_MATCH_BLOBS (the oracle's build), a BLOB never matches; then the pattern length
 * and the escape character are checked, and NULL operands give NULL. The last pattern's compiled form
 * is kept for the next call.
 */
export function makePatternFunction(kind: PatternKind): ScalarFunction {
  let lastPattern: string | null = null;
  let lastEscape: string | null = null;
  let last: Pattern | null = null;
  const fn: ScalarFunction = (_ctx, args, result) => {
    if (args.type(0) === ValueType.Blob || args.type(1) === ValueType.Blob) return result.int(0);
    const pattern = args.text(0);
    const escape = args.count > 2 ? args.text(2) : null;
    const patternIsNull = args.type(0) === ValueType.Null;
    const escapeIsNull = args.count > 2 && args.type(2) === ValueType.Null;
    let compiled = last;
    if (pattern !== lastPattern || escape !== lastEscape || compiled === null || patternIsNull || escapeIsNull) {
      try {
        compiled = checkedPattern(kind, pattern, patternIsNull, escape, escapeIsNull);
      } catch (err) {
        if (err instanceof PatternError) return result.error(err.message);
        throw err;
      }
      if (compiled === null) return result.null();
      last = compiled;
      lastPattern = pattern;
      lastEscape = escape;
    }
    if (args.type(1) === ValueType.Null) return result.null();
    result.int(compiled.matchText(args.text(1)) ? 1 : 0);
  };
  builtins.set(fn, kind);
  return fn;
}
