/**
 * LIKE and GLOB pattern matching (sqlite.org/lang_expr.html#like), for the operators and for the
 * like() and glob() functions.
 *
 * LIKE: `%` matches any run of characters, `_` any one character, an ESCAPE character makes the next
 * character literal; letters compare case-insensitively for ASCII only (as SQLite without ICU), unless
 * the match is case-sensitive (PRAGMA case_sensitive_like). GLOB: `*`, `?`, and `[...]` sets with
 * `^` negation and `a-z` ranges (a `]` first in the set is literal, a `-` after a range or at either
 * end is literal, a set without its `]` never matches); case-sensitive, no escape character. A
 * trailing escape character matches nothing. Characters are Unicode code points.
 *
 * Patterns compile to token lists, matched with single-star backtracking: linear in the text for
 * each `%`/`*` kept, never exponential.
 */
import { ValueType } from '../record/value.js';
import { cString, charLength, codePoints, utf8Length } from './chars.js';
import type { ScalarFunction } from './types.js';

const T_CHAR = 0; // a character (code point), case-folded when matching without case
const T_ONE = 1; // _ or ?
const T_ANY = 2; // % or *
const T_SET = 3; // [...]
const T_NEVER = 4; // matches nothing (a trailing escape, an unterminated set)

interface Token {
  kind: number;
  /** T_CHAR: the code point. */
  cp: number;
  /** T_SET: pairs of inclusive ranges [lo0, hi0, lo1, hi1, …]. */
  ranges: number[];
  negate: boolean;
}

/** A compiled pattern: tests whether a text matches. */
export type Matcher = (text: string) => boolean;

function fold(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

function token(kind: number, cp = 0): Token {
  return { kind, cp, ranges: [], negate: false };
}

/** Compiles a GLOB set starting after its `[` at p[i]; returns the index after `]`, or -1 if none. */
function compileSet(p: number[], i: number, out: Token[]): number {
  const t = token(T_SET);
  if (p[i] === 0x5e) {
    t.negate = true;
    i++;
  }
  if (p[i] === 0x5d) {
    t.ranges.push(0x5d, 0x5d);
    i++;
  }
  let prior = 0;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === 0x5d) {
      out.push(t);
      return i + 1;
    }
    if (c === 0x2d && prior > 0 && i + 1 < p.length && p[i + 1] !== 0x5d) {
      t.ranges.push(prior, p[i + 1]);
      i++;
      prior = 0;
    } else {
      t.ranges.push(c, c);
      prior = c;
    }
  }
  return -1;
}

function compile(pattern: string, glob: boolean, escape: number, noCase: boolean): Token[] {
  const p = codePoints(cString(pattern)); // patterns and texts are C strings here
  const out: Token[] = [];
  for (let i = 0; i < p.length; ) {
    const c = p[i];
    if (!glob && c === escape) {
      if (i + 1 >= p.length) return [token(T_NEVER)];
      out.push(token(T_CHAR, noCase ? fold(p[i + 1]) : p[i + 1]));
      i += 2;
    } else if (c === (glob ? 0x2a : 0x25)) {
      if (out.length === 0 || out[out.length - 1].kind !== T_ANY) out.push(token(T_ANY));
      i++;
    } else if (c === (glob ? 0x3f : 0x5f)) {
      out.push(token(T_ONE));
      i++;
    } else if (glob && c === 0x5b) {
      i = compileSet(p, i + 1, out);
      if (i < 0) return [token(T_NEVER)];
    } else {
      out.push(token(T_CHAR, noCase ? fold(c) : c));
      i++;
    }
  }
  return out;
}

function matchesOne(t: Token, c: number, noCase: boolean): boolean {
  switch (t.kind) {
    case T_CHAR:
      return t.cp === (noCase ? fold(c) : c);
    case T_ONE:
      return true;
    case T_SET: {
      let hit = false;
      for (let k = 0; k < t.ranges.length; k += 2) {
        if (c >= t.ranges[k] && c <= t.ranges[k + 1]) {
          hit = true;
          break;
        }
      }
      return hit !== t.negate;
    }
    default:
      return false;
  }
}

function run(tokens: Token[], text: string, noCase: boolean): boolean {
  const s = codePoints(cString(text));
  const m = tokens.length;
  let i = 0;
  let j = 0;
  let starJ = -1;
  let starI = 0;
  while (i < s.length) {
    if (j < m && tokens[j].kind === T_ANY) {
      starJ = j++;
      starI = i;
    } else if (j < m && matchesOne(tokens[j], s[i], noCase)) {
      i++;
      j++;
    } else if (starJ >= 0) {
      j = starJ + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (j < m && tokens[j].kind === T_ANY) j++;
  return j === m;
}

/**
 * Compiles a LIKE pattern. `escape` is the ESCAPE character's code point, or -1 for none;
 * `caseSensitive` is PRAGMA case_sensitive_like.
 */
export function compileLike(pattern: string, escape = -1, caseSensitive = false): Matcher {
  const noCase = !caseSensitive;
  const tokens = compile(pattern, false, escape, noCase);
  return (text) => run(tokens, text, noCase);
}

/** Compiles a GLOB pattern. */
export function compileGlob(pattern: string): Matcher {
  const tokens = compile(pattern, true, -1, false);
  return (text) => run(tokens, text, false);
}

/** SQLITE_MAX_LIKE_PATTERN_LENGTH: longer patterns (in bytes) are an error. */
const MAX_PATTERN_BYTES = 50_000;

/**
 * The like(X, Y[, Z]) SQL function — Y LIKE X ESCAPE Z — case-sensitive or not. As in SQLite built
 * with SQLITE_LIKE_DOESNT_MATCH_BLOBS (the oracle's build), a BLOB never matches; then the pattern
 * length and the escape character are checked, and NULL operands give NULL. The last pattern's
 * compiled form is kept for the next call.
 */
export function makeLikeFunction(caseSensitive: boolean): ScalarFunction {
  let lastPattern: string | null = null;
  let lastEscape = -1;
  let lastMatcher: Matcher | null = null;
  return (_ctx, args, result) => {
    if (args.type(0) === ValueType.Blob || args.type(1) === ValueType.Blob) return result.int(0);
    const pattern = args.text(0);
    if (utf8Length(pattern) > MAX_PATTERN_BYTES) return result.error('LIKE or GLOB pattern too complex');
    let escape = -1;
    if (args.count > 2) {
      if (args.type(2) === ValueType.Null) return result.null();
      const e = cString(args.text(2));
      if (charLength(e) !== 1) return result.error('ESCAPE expression must be a single character');
      escape = e.codePointAt(0)!;
    }
    if (args.type(0) === ValueType.Null || args.type(1) === ValueType.Null) return result.null();
    if (pattern !== lastPattern || escape !== lastEscape || lastMatcher === null) {
      lastMatcher = compileLike(pattern, escape, caseSensitive);
      lastPattern = pattern;
      lastEscape = escape;
    }
    result.int(lastMatcher(args.text(1)) ? 1 : 0);
  };
}

/** The glob(X, Y) SQL function — Y GLOB X — with the same BLOB, length and NULL rules as like(). */
export function makeGlobFunction(): ScalarFunction {
  let lastPattern: string | null = null;
  let lastMatcher: Matcher | null = null;
  return (_ctx, args, result) => {
    if (args.type(0) === ValueType.Blob || args.type(1) === ValueType.Blob) return result.int(0);
    const pattern = args.text(0);
    if (utf8Length(pattern) > MAX_PATTERN_BYTES) return result.error('LIKE or GLOB pattern too complex');
    if (args.type(0) === ValueType.Null || args.type(1) === ValueType.Null) return result.null();
    if (pattern !== lastPattern || lastMatcher === null) {
      lastMatcher = compileGlob(pattern);
      lastPattern = pattern;
    }
    result.int(lastMatcher(args.text(1)) ? 1 : 0);
  };
}
