/**
 * SQLite's date and time functions (sqlite.org/lang_datefunc.html): date, time, datetime, julianday,
 * unixepoch, strftime and timediff (the CURRENT_* keywords compile to date(), time() and datetime()).
 *
 * Each reads a time value and modifiers into a DateTime (datetime-value.ts) and formats it; anything
 * not understood, or out of the range 0000-01-01 … 9999-12-31, makes the result NULL. Result types:
 * julianday REAL; unixepoch INTEGER, or REAL with 'subsec'; the others TEXT. Years before 0000 print
 * with a leading '-'. strftime returns NULL for an unknown substitution (or a '%' ending the format).
 * Real-valued substitutions (%f, %J, %s with 'subsec', timediff's seconds) go through SQLite's printf
 * (printf.ts), so their digits are SQLite's.
 */
import { ValueType } from '../record/value.js';
import { ArrayArgs, type Args, CapturingResult, MAX_LENGTH, type Result, type TypedValue } from '../value/args.js';
import { utf8Length } from './chars.js';
import {
  DateTime,
  DAY_MS,
  UNIX_EPOCH_JD_MS,
  computeHms,
  computeJd,
  computeYmd,
  computeYmdHms,
  idiv,
  nondeterministicUse,
  readDateArgs,
} from './datetime-value.js';
import { formatFunction } from './printf.js';
import type { FunctionContext } from './types.js';

// Scratch values: a call never runs another date function, so these are never in use twice.
const value = new DateTime();
const other = new DateTime();
const helper = new DateTime();

// ---- Formatting helpers -----------------------------------------------------------------------

const printfValues: TypedValue[] = [
  { type: ValueType.Text, value: '' },
  { type: ValueType.Real, value: 0 },
];
const printfArgs = new ArrayArgs(printfValues);
const printfResult = new CapturingResult();

/** `x` formatted by SQLite's printf with `format` (one real conversion). */
function printfReal(format: string, x: number): string {
  printfValues[0]!.value = format;
  printfValues[1]!.value = x;
  formatFunction(printfArgs, printfResult.reset());
  return printfResult.value as string;
}

/** C's "%0Nd": the sign, then at least `width` characters in all, zero-padded. */
function zeroPadded(n: number, width: number): string {
  const digits = String(n < 0 ? -n : n);
  const sign = n < 0 ? '-' : '';
  const room = width - sign.length - digits.length;
  return room > 0 ? sign + '0'.repeat(room) + digits : sign + digits;
}

/** C's "%02d" for 0 … 99. */
function two(n: number): string {
  return n < 10 && n >= 0 ? '0' + n : String(n);
}

/** C's "%2d" for 0 … 99. */
function twoSpaced(n: number): string {
  return n < 10 && n >= 0 ? ' ' + n : String(n);
}

/** The last digit of `n`, as SQLite writes each digit of a date ('0' + n % 10 of a non-negative n). */
function digit(n: number): string {
  return String.fromCharCode(0x30 + (n % 10));
}

/** YYYY-MM-DD, each digit written as date() writes it; a '-' before years below 0. */
function ymdText(p: DateTime): string {
  const y = p.year < 0 ? -p.year : p.year;
  const text =
    digit(idiv(y, 1000)) + digit(idiv(y, 100)) + digit(idiv(y, 10)) + digit(y) + '-' +
    digit(idiv(p.month, 10)) + digit(p.month) + '-' + digit(idiv(p.day, 10)) + digit(p.day);
  return p.year < 0 ? '-' + text : text;
}

/** HH:MM:SS, or HH:MM:SS.SSS with 'subsec'. */
function hmsText(p: DateTime): string {
  const hm = digit(idiv(p.hour, 10)) + digit(p.hour) + ':' + digit(idiv(p.minute, 10)) + digit(p.minute) + ':';
  if (p.subsec) {
    const ms = Math.trunc(1000.0 * p.second + 0.5);
    return hm + digit(idiv(ms, 10000)) + digit(idiv(ms, 1000)) + '.' + digit(idiv(ms, 100)) + digit(idiv(ms, 10)) + digit(ms);
  }
  const s = Math.trunc(p.second);
  return hm + digit(idiv(s, 10)) + digit(s);
}

/** Seconds since 1970: an INTEGER, or with 'subsec' a REAL with milliseconds. */
function unixSeconds(p: DateTime): number {
  return idiv(p.jdMs, 1000) - UNIX_EPOCH_JD_MS / 1000;
}

function unixSecondsSubsec(p: DateTime): number {
  return (p.jdMs - UNIX_EPOCH_JD_MS) / 1000.0;
}

// ---- The functions ----------------------------------------------------------------------------

/** The result when the arguments give no date: NULL, or the error of a nondeterministic use. */
function noDate(ctx: FunctionContext, name: string, result: Result): void {
  if (nondeterministicUse) return result.error(`non-deterministic use of ${name}() in ${ctx.pureContext}`);
  result.null();
}

/** julianday(TIME, MOD…): the Julian day number, as a REAL. */
export function juliandayFunction(ctx: FunctionContext, args: Args, result: Result): void {
  if (!readDateArgs(ctx, args, 0, args.count, value)) return noDate(ctx, 'julianday', result);
  result.real(value.jdMs / 86400000.0);
}

/** unixepoch(TIME, MOD…): seconds since 1970 as an INTEGER (a REAL with 'subsec'). */
export function unixepochFunction(ctx: FunctionContext, args: Args, result: Result): void {
  if (!readDateArgs(ctx, args, 0, args.count, value)) return noDate(ctx, 'unixepoch', result);
  if (value.subsec) result.real(unixSecondsSubsec(value));
  else result.int(unixSeconds(value));
}

/** datetime(TIME, MOD…): YYYY-MM-DD HH:MM:SS. */
export function datetimeFunction(ctx: FunctionContext, args: Args, result: Result): void {
  if (!readDateArgs(ctx, args, 0, args.count, value)) return noDate(ctx, 'datetime', result);
  computeYmdHms(value);
  result.text(ymdText(value) + ' ' + hmsText(value));
}

/** date(TIME, MOD…): YYYY-MM-DD. */
export function dateFunction(ctx: FunctionContext, args: Args, result: Result): void {
  if (!readDateArgs(ctx, args, 0, args.count, value)) return noDate(ctx, 'date', result);
  computeYmd(value);
  result.text(ymdText(value));
}

/** time(TIME, MOD…): HH:MM:SS. */
export function timeFunction(ctx: FunctionContext, args: Args, result: Result): void {
  if (!readDateArgs(ctx, args, 0, args.count, value)) return noDate(ctx, 'time', result);
  computeHms(value);
  result.text(hmsText(value));
}

/** Days since the most recent January 1 (0 … 365). */
function daysAfterJan01(p: DateTime): number {
  const jan01 = helper;
  jan01.copyFrom(p);
  jan01.hasJd = false;
  jan01.month = 1;
  jan01.day = 1;
  computeJd(jan01);
  return idiv(p.jdMs - jan01.jdMs + 43200000, DAY_MS);
}

/** Day of the week, 0 = Monday … 6 = Sunday. */
function daysAfterMonday(p: DateTime): number {
  return idiv(p.jdMs + 43200000, DAY_MS) % 7;
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
function daysAfterSunday(p: DateTime): number {
  return idiv(p.jdMs + 129600000, DAY_MS) % 7;
}

/** Sets `other` to the Thursday of `p`'s ISO week (whose year is the ISO year). */
function isoThursday(p: DateTime): DateTime {
  const y = other;
  y.copyFrom(p);
  y.jdMs += (3 - daysAfterMonday(p)) * DAY_MS;
  y.hasYmd = false;
  computeYmd(y);
  return y;
}

/** strftime(FORMAT, TIME, MOD…): FORMAT with its %-substitutions filled in. */
export function strftimeFunction(ctx: FunctionContext, args: Args, result: Result): void {
  if (args.count === 0 || args.type(0) === ValueType.Null) return result.null();
  const format = args.text(0);
  const x = value;
  if (!readDateArgs(ctx, args, 1, args.count - 1, x)) return noDate(ctx, 'strftime', result);
  computeJd(x);
  computeYmdHms(x);
  let out = '';
  let from = 0;
  const end = format.indexOf('\0') < 0 ? format.length : format.indexOf('\0');
  for (let i = 0; i < end; i++) {
    if (format.charCodeAt(i) !== 0x25) continue;
    if (from < i) out += format.slice(from, i);
    i++;
    from = i + 1;
    const piece = substitution(i < end ? format[i]! : '', x);
    if (piece === null) return result.null();
    out += piece;
  }
  if (from < end) out += format.slice(from, end);
  if (out.length > MAX_LENGTH / 3 && utf8Length(out) > MAX_LENGTH) return result.tooBig();
  result.text(out);
}

/** The text of strftime's %`c` for `x`, or null for an unknown substitution. */
function substitution(c: string, x: DateTime): string | null {
  switch (c) {
    case 'd':
      return two(x.day);
    case 'e':
      return twoSpaced(x.day);
    case 'f':
      return printfReal('%06.3f', x.second > 59.999 ? 59.999 : x.second);
    case 'F':
      return zeroPadded(x.year, 4) + '-' + two(x.month) + '-' + two(x.day);
    case 'G':
      return zeroPadded(isoThursday(x).year, 4);
    case 'g':
      return zeroPadded(isoThursday(x).year % 100, 2);
    case 'H':
      return two(x.hour);
    case 'k':
      return twoSpaced(x.hour);
    case 'I':
    case 'l': {
      let h = x.hour;
      if (h > 12) h -= 12;
      if (h === 0) h = 12;
      return c === 'I' ? two(h) : twoSpaced(h);
    }
    case 'j':
      return zeroPadded(daysAfterJan01(x) + 1, 3);
    case 'J':
      return printfReal('%.16g', x.jdMs / 86400000.0);
    case 'm':
      return two(x.month);
    case 'M':
      return two(x.minute);
    case 'p':
      return x.hour >= 12 ? 'PM' : 'AM';
    case 'P':
      return x.hour >= 12 ? 'pm' : 'am';
    case 'R':
      return two(x.hour) + ':' + two(x.minute);
    case 's':
      return x.subsec ? printfReal('%.3f', unixSecondsSubsec(x)) : String(unixSeconds(x));
    case 'S':
      return two(Math.trunc(x.second));
    case 'T':
      return two(x.hour) + ':' + two(x.minute) + ':' + two(Math.trunc(x.second));
    case 'u': {
      const d = daysAfterSunday(x);
      return String(d === 0 ? 7 : d);
    }
    case 'w':
      return String(daysAfterSunday(x));
    case 'U':
      return two(idiv(daysAfterJan01(x) - daysAfterSunday(x) + 7, 7));
    case 'V':
      return two(idiv(daysAfterJan01(isoThursday(x)), 7) + 1);
    case 'W':
      return two(idiv(daysAfterJan01(x) - daysAfterMonday(x) + 7, 7));
    case 'Y':
      return zeroPadded(x.year, 4);
    case '%':
      return '%';
    default:
      return null;
  }
}

/**
 * timediff(A, B): the time to add to B to reach A, as "±YYYY-MM-DD HH:MM:SS.SSS" — whole years and
 * months first (stepping month by month as SQLite does), then days and time.
 */
export function timediffFunction(ctx: FunctionContext, args: Args, result: Result): void {
  const d1 = value;
  const d2 = other;
  if (!readDateArgs(ctx, args, 0, 1, d1)) return noDate(ctx, 'timediff', result);
  if (!readDateArgs(ctx, args, 1, 1, d2)) return noDate(ctx, 'timediff', result);
  computeYmdHms(d1);
  computeYmdHms(d2);
  let sign: string;
  let years: number;
  let months: number;
  if (d1.jdMs >= d2.jdMs) {
    sign = '+';
    years = d1.year - d2.year;
    if (years !== 0) setYearMonth(d2, d1.year, d2.month);
    months = d1.month - d2.month;
    if (months < 0) {
      years--;
      months += 12;
    }
    if (months !== 0) setYearMonth(d2, d2.year, d1.month);
    while (d1.jdMs < d2.jdMs) {
      months--;
      if (months < 0) {
        months = 11;
        years--;
      }
      if (d2.month - 1 < 1) setYearMonth(d2, d2.year - 1, 12);
      else setYearMonth(d2, d2.year, d2.month - 1);
    }
    d1.jdMs -= d2.jdMs;
  } else {
    sign = '-';
    years = d2.year - d1.year;
    if (years !== 0) setYearMonth(d2, d1.year, d2.month);
    months = d2.month - d1.month;
    if (months < 0) {
      years--;
      months += 12;
    }
    if (months !== 0) setYearMonth(d2, d2.year, d1.month);
    while (d1.jdMs > d2.jdMs) {
      months--;
      if (months < 0) {
        months = 11;
        years--;
      }
      if (d2.month + 1 > 12) setYearMonth(d2, d2.year + 1, 1);
      else setYearMonth(d2, d2.year, d2.month + 1);
    }
    d1.jdMs = d2.jdMs - d1.jdMs;
  }
  // The remaining span, read as a date counted from 0000-01-01 00:00 (JD 1721059.5).
  d1.jdMs += 148699540800000;
  d1.hasYmd = false;
  d1.hasHms = false;
  d1.tzMinutes = 0;
  computeYmdHms(d1);
  result.text(
    sign + zeroPadded(years, 4) + '-' + two(months) + '-' + two(d1.day - 1) + ' ' + two(d1.hour) + ':' +
      two(d1.minute) + ':' + printfReal('%06.3f', d1.second),
  );
}

/** Moves `p` to the same day and time in year `y`, month `m`, recomputing its Julian day. */
function setYearMonth(p: DateTime, y: number, m: number): void {
  p.year = y;
  p.month = m;
  p.hasJd = false;
  computeJd(p);
}
