/**
 * The date/time value behind SQLite's date and time functions (sqlite.org/lang_datefunc.html): how a
 * time value is read, how each modifier changes it, and the calendar arithmetic in between.
 *
 * A `DateTime` holds one point in time in up to three forms, each with a flag saying whether it is
 * current: the Julian day number in integer milliseconds (`jdMs`, SQLite's iJD), the calendar date
 * (year, month, day) and the time of day (hour, minute, second, with an optional time zone offset
 * still to be applied). Arithmetic goes through `jdMs`, which keeps results bit-identical with
 * SQLite's: every conversion below performs the same integer and double operations, in the same
 * order, as SQLite's date.c. The valid range is 0000-01-01 … 9999-12-31 23:59:59.999 (JD 0 …
 * 5373484.4999999); a value outside it is an error, and the functions return NULL.
 *
 * A bare number is "raw" until a modifier or the end of the arguments decides what it means: a Julian
 * day number when it lies in the Julian day range, else (with 'unixepoch' or 'auto') seconds since
 * 1970.
 *
 * 'now' reads the statement's clock (FunctionContext.currentTime), so that every call in one run of a
 * statement sees the same instant. 'localtime' and 'utc' use the JS host's time zone (that of the
 * process, as SQLite uses the C library's localtime_r); for instants outside 1970 … 2037 the
 * offset is that of a year with the same leap-year position in 2000 … 2003, as in SQLite.
 *
 * Parsers work on JS strings; only ASCII matters to them, and text ends at its first NUL character
 * as a C string would. The module keeps a few scratch values so that a call allocates nothing.
 */
import { scanNumber, scanReal, scanWhole } from '../value/convert.js';
import type { Args } from '../value/args.js';
import { ValueType } from '../record/value.js';
import type { FunctionContext } from './types.js';

/** Milliseconds per day. */
export const DAY_MS = 86400000;
/** Half a day: Julian days start at noon. */
const HALF_DAY_MS = 43200000;
/** The Julian day of 1970-01-01 00:00:00, in milliseconds. */
export const UNIX_EPOCH_JD_MS = 210866760000000;
/** The last representable instant, 9999-12-31 23:59:59.999, as a Julian day in milliseconds. */
const MAX_JD_MS = 464269060799999;

/** One date and time being computed (SQLite's DateTime). */
export class DateTime {
  /** Julian day number times 86400000, valid when `hasJd`. */
  jdMs = 0;
  year = 0;
  month = 0;
  day = 0;
  hour = 0;
  minute = 0;
  /** Time zone offset in minutes still to be subtracted when computing `jdMs`. */
  tzMinutes = 0;
  /** Seconds with fraction; for a raw number, the number itself. */
  second = 0;
  hasJd = false;
  hasYmd = false;
  hasHms = false;
  /** Days to subtract to turn a day-of-month overflow into the month's last day ('floor'). */
  floorDays = 0;
  /** `second` holds a bare number whose meaning is not settled yet. */
  rawNumber = false;
  failed = false;
  /** Results show milliseconds ('subsec'). */
  subsec = false;
  /** Known to be UTC already (then 'utc' does nothing). */
  knownUtc = false;
  /** Known to be local time already (then 'localtime' does nothing). */
  knownLocal = false;

  /** Resets every field to zero. */
  clear(): void {
    this.jdMs = this.year = this.month = this.day = this.hour = this.minute = this.tzMinutes = this.second = 0;
    this.hasJd = this.hasYmd = this.hasHms = false;
    this.floorDays = 0;
    this.rawNumber = this.failed = this.subsec = this.knownUtc = this.knownLocal = false;
  }

  /** Makes this a copy of `o`. */
  copyFrom(o: DateTime): void {
    this.jdMs = o.jdMs;
    this.year = o.year;
    this.month = o.month;
    this.day = o.day;
    this.hour = o.hour;
    this.minute = o.minute;
    this.tzMinutes = o.tzMinutes;
    this.second = o.second;
    this.hasJd = o.hasJd;
    this.hasYmd = o.hasYmd;
    this.hasHms = o.hasHms;
    this.floorDays = o.floorDays;
    this.rawNumber = o.rawNumber;
    this.failed = o.failed;
    this.subsec = o.subsec;
    this.knownUtc = o.knownUtc;
    this.knownLocal = o.knownLocal;
  }
}

// ---- Integer helpers (C semantics on exact integers held in doubles) ----------------------------

/** C's integer division: the quotient truncated toward zero (exact for integers below 2^53). */
export function idiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Whitespace as SQLite's sqlite3Isspace: space, TAB, LF, VT, FF, CR. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** `s` with ASCII letters in lower case only, as SQLite's case-insensitive comparisons fold. */
function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (u) => u.toLowerCase()) : s;
}

/** `s` up to its first NUL character, as C code sees a string. */
function cText(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** The `count`-digit number at s[at], if all are digits and it lies in [min, max]; else -1. */
function fixedDigits(s: string, at: number, count: number, min: number, max: number): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    const c = s.charCodeAt(at + k);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v < min || v > max ? -1 : v;
}

/** The largest year SQLite's digit reader accepts ("f" in its getDigits formats). */
const YEAR_DIGITS_MAX = 14712;

/** Reads "HH:MM" at s[at] (HH 0…maxHour, MM 0…59) into `hhmm`; false if it is not there. */
function readHourMinute(s: string, at: number, maxHour: number): boolean {
  const h = fixedDigits(s, at, 2, 0, maxHour);
  if (h < 0 || s.charCodeAt(at + 2) !== 0x3a) return false;
  const m = fixedDigits(s, at + 3, 2, 0, 59);
  if (m < 0) return false;
  hhmm[0] = h;
  hhmm[1] = m;
  return true;
}
const hhmm = [0, 0];

// ---- Calendar conversions ---------------------------------------------------------------------

/** Whether `jdMs` lies within 0000-01-01 … 9999-12-31 23:59:59.999. */
function validJulianDay(jdMs: number): boolean {
  return jdMs >= 0 && jdMs <= MAX_JD_MS;
}

/** Puts `p` in its error state (all fields zero). */
function fail(p: DateTime): void {
  p.clear();
  p.failed = true;
}

/** Computes `jdMs` from the date (2000-01-01 when there is none) and the time (Meeus, p. 61). */
export function computeJd(p: DateTime): void {
  if (p.hasJd) return;
  let y = 2000;
  let m = 1;
  let d = 1;
  if (p.hasYmd) {
    y = p.year;
    m = p.month;
    d = p.day;
  }
  if (y < -4713 || y > 9999 || p.rawNumber) return fail(p);
  if (m <= 2) {
    y--;
    m += 12;
  }
  const a = idiv(y + 4800, 100);
  const b = 38 - a + idiv(a, 4);
  const x1 = idiv(36525 * (y + 4716), 100);
  const x2 = idiv(306001 * (m + 1), 10000);
  p.jdMs = Math.trunc((x1 + x2 + d + b - 1524.5) * 86400000);
  p.hasJd = true;
  if (p.hasHms) {
    p.jdMs += p.hour * 3600000 + p.minute * 60000 + Math.trunc(p.second * 1000 + 0.5);
    if (p.tzMinutes !== 0) {
      p.jdMs -= p.tzMinutes * 60000;
      p.hasYmd = false;
      p.hasHms = false;
      p.tzMinutes = 0;
      p.knownUtc = true;
      p.knownLocal = false;
    }
  }
}

/** Computes the calendar date from `jdMs` (2000-01-01 when there is none). */
export function computeYmd(p: DateTime): void {
  if (p.hasYmd) return;
  if (!p.hasJd) {
    p.year = 2000;
    p.month = 1;
    p.day = 1;
  } else if (!validJulianDay(p.jdMs)) {
    return fail(p);
  } else {
    const z = idiv(p.jdMs + HALF_DAY_MS, DAY_MS);
    const alpha = Math.trunc((z + 32044.75) / 36524.25) - 52;
    const a = z + 1 + alpha - idiv(alpha + 100, 4) + 25;
    const b = a + 1524;
    const c = Math.trunc((b - 122.1) / 365.25);
    const d = idiv(36525 * (c & 32767), 100);
    const e = Math.trunc((b - d) / 30.6001);
    const x1 = Math.trunc(30.6001 * e);
    p.day = b - d - x1;
    p.month = e < 14 ? e - 1 : e - 13;
    p.year = p.month > 2 ? c - 4716 : c - 4715;
  }
  p.hasYmd = true;
}

/** Computes the time of day from `jdMs`. */
export function computeHms(p: DateTime): void {
  if (p.hasHms) return;
  computeJd(p);
  const dayMs = (p.jdMs + HALF_DAY_MS) % DAY_MS;
  p.second = (dayMs % 60000) / 1000.0;
  const dayMinutes = idiv(dayMs, 60000);
  p.minute = dayMinutes % 60;
  p.hour = idiv(dayMinutes, 60);
  p.rawNumber = false;
  p.hasHms = true;
}

export function computeYmdHms(p: DateTime): void {
  computeYmd(p);
  computeHms(p);
}

/** Forgets the date, the time and the time zone (after `jdMs` changed). */
function clearYmdHmsTz(p: DateTime): void {
  p.hasYmd = false;
  p.hasHms = false;
  p.tzMinutes = 0;
}

/** Sets `floorDays`: how far the day of the month lies past the month's last day. */
function computeFloor(p: DateTime): void {
  const d = p.day;
  const m = p.month;
  if (d <= 28) p.floorDays = 0;
  else if ((1 << m) & 0x15aa) p.floorDays = 0; // months of 31 days
  else if (m !== 2) p.floorDays = d === 31 ? 1 : 0;
  else if (p.year % 4 !== 0 || (p.year % 100 === 0 && p.year % 400 !== 0)) p.floorDays = d - 28;
  else p.floorDays = d - 29;
}

/** Moves the month by `delta` months, carrying into the year. */
function addMonths(p: DateTime, delta: number): void {
  p.month += delta;
  const carry = p.month > 0 ? idiv(p.month - 1, 12) : idiv(p.month - 12, 12);
  p.year += carry;
  p.month -= carry * 12;
}

// ---- Reading a time value ---------------------------------------------------------------------

/** Reads an optional time zone suffix at s[at]: "[+-]HH:MM" or "Z", with spaces around. */
function parseTimezone(s: string, at: number, p: DateTime): boolean {
  while (isSpace(s.charCodeAt(at))) at++;
  p.tzMinutes = 0;
  if (at >= s.length) return true;
  const c = s.charCodeAt(at);
  if (c === 0x5a || c === 0x7a) {
    at++;
    p.knownLocal = false;
    p.knownUtc = true;
  } else {
    if (c !== 0x2d && c !== 0x2b) return false;
    if (!readHourMinute(s, at + 1, 14)) return false;
    at += 6;
    p.tzMinutes = (c === 0x2d ? -1 : 1) * (hhmm[1] + hhmm[0] * 60);
    if (p.tzMinutes === 0) {
      p.knownLocal = false;
      p.knownUtc = true;
    }
  }
  while (isSpace(s.charCodeAt(at))) at++;
  return at >= s.length;
}

/** Reads "HH:MM[:SS[.FFF…]]" and an optional time zone from s[at] to the end. */
function parseHhMmSs(s: string, at: number, p: DateTime): boolean {
  if (!readHourMinute(s, at, 24)) return false;
  const h = hhmm[0];
  const m = hhmm[1];
  at += 5;
  let sec = 0;
  let fraction = 0;
  if (s.charCodeAt(at) === 0x3a) {
    sec = fixedDigits(s, at + 1, 2, 0, 59);
    if (sec < 0) return false;
    at += 3;
    if (s.charCodeAt(at) === 0x2e && isDigit(s.charCodeAt(at + 1))) {
      let scale = 1.0;
      at++;
      for (let c = s.charCodeAt(at); isDigit(c); c = s.charCodeAt(++at)) {
        fraction = fraction * 10.0 + (c - 0x30);
        scale *= 10.0;
      }
      fraction /= scale;
      // SQLite truncates to whole milliseconds' worth, so .9999 cannot round up to the next second.
      if (fraction > 0.999) fraction = 0.999;
    }
  }
  p.hasJd = false;
  p.rawNumber = false;
  p.hasHms = true;
  p.hour = h;
  p.minute = m;
  p.second = sec + fraction;
  return parseTimezone(s, at, p);
}

/** Reads "[-]YYYY-MM-DD" followed by nothing or by a time (after spaces or a 'T'). */
function parseYyyyMmDd(s: string, p: DateTime): boolean {
  let at = 0;
  const negative = s.charCodeAt(0) === 0x2d;
  if (negative) at++;
  const y = fixedDigits(s, at, 4, 0, YEAR_DIGITS_MAX);
  if (y < 0 || s.charCodeAt(at + 4) !== 0x2d) return false;
  const m = fixedDigits(s, at + 5, 2, 1, 12);
  if (m < 0 || s.charCodeAt(at + 7) !== 0x2d) return false;
  const d = fixedDigits(s, at + 8, 2, 1, 31);
  if (d < 0) return false;
  at += 10;
  for (let c = s.charCodeAt(at); isSpace(c) || c === 0x54; c = s.charCodeAt(++at));
  if (parseHhMmSs(s, at, p)) {
    // the time was read
  } else if (at >= s.length) {
    p.hasHms = false;
  } else {
    return false;
  }
  p.hasJd = false;
  p.hasYmd = true;
  p.year = negative ? -y : y;
  p.month = m;
  p.day = d;
  computeFloor(p);
  if (p.tzMinutes !== 0) computeJd(p);
  return true;
}

/**
 * Set when the last `readDateArgs` failed because it would have read the clock or the time zone
 * where calls must be deterministic (FunctionContext.pureContext): the function then fails with
 * SQLite's "non-deterministic use" error rather than returning NULL.
 */
export let nondeterministicUse = false;

/** Whether the call may read the clock or the time zone (SQLite's sqlite3NotPureFunc). */
function mayBeImpure(ctx: FunctionContext): boolean {
  if (ctx.pureContext === undefined) return true;
  nondeterministicUse = true;
  return false;
}

/** Sets `p` to the statement's current time. */
function setToNow(ctx: FunctionContext, p: DateTime): boolean {
  p.jdMs = ctx.currentTime() + UNIX_EPOCH_JD_MS;
  if (!(p.jdMs > 0)) return false;
  p.hasJd = true;
  p.knownUtc = true;
  p.knownLocal = false;
  clearYmdHmsTz(p);
  return true;
}

/** A bare number: a Julian day when in that range; its meaning stays open (`rawNumber`) either way. */
function setRawNumber(p: DateTime, r: number): void {
  p.second = r;
  p.rawNumber = true;
  if (r >= 0.0 && r < 5373484.5) {
    p.jdMs = Math.trunc(r * 86400000.0 + 0.5);
    p.hasJd = true;
  }
}

/** Whether `s` is a number as a whole (surrounding whitespace allowed), leaving it in `scanReal`. */
function wholeNumber(s: string): boolean {
  scanNumber(s);
  return scanWhole;
}

/** Reads a time value given as text: a date and/or time, 'now', a number, or 'subsec'. */
function parseTimeValue(ctx: FunctionContext, s: string, p: DateTime): boolean {
  if (parseYyyyMmDd(s, p)) return true;
  if (parseHhMmSs(s, 0, p)) return true;
  const lower = asciiLower(s);
  if (lower === 'now' && mayBeImpure(ctx)) return setToNow(ctx, p);
  if (wholeNumber(s)) {
    setRawNumber(p, scanReal);
    return true;
  }
  if ((lower === 'subsec' || lower === 'subsecond') && mayBeImpure(ctx)) {
    p.subsec = true;
    return setToNow(ctx, p);
  }
  return false;
}

// ---- Local time -------------------------------------------------------------------------------

/** 1970-01-01 and 2038-01-18 as Julian days in milliseconds: where the host's local time is used as is. */
const LOCAL_FIRST_JD_MS = 210866760000000;
const LOCAL_LAST_JD_MS = 213014145600000;

const localDate = new Date(0);
const yearProxy = new DateTime();

/** Moves `p`, taken as UTC, to the host's local time. */
function toLocaltime(p: DateTime): void {
  computeJd(p);
  let yearShift = 0;
  let unixSeconds: number;
  if (p.jdMs < LOCAL_FIRST_JD_MS || p.jdMs > LOCAL_LAST_JD_MS) {
    // Outside the range every C library handles, use a year with the same leap-year position.
    const x = yearProxy;
    x.copyFrom(p);
    computeYmdHms(x);
    yearShift = 2000 + (x.year % 4) - x.year;
    x.year += yearShift;
    x.hasJd = false;
    computeJd(x);
    unixSeconds = idiv(x.jdMs, 1000) - UNIX_EPOCH_JD_MS / 1000;
  } else {
    unixSeconds = idiv(p.jdMs, 1000) - UNIX_EPOCH_JD_MS / 1000;
  }
  localDate.setTime(unixSeconds * 1000);
  p.year = localDate.getFullYear() - yearShift;
  p.month = localDate.getMonth() + 1;
  p.day = localDate.getDate();
  p.hour = localDate.getHours();
  p.minute = localDate.getMinutes();
  p.second = localDate.getSeconds() + (p.jdMs % 1000) * 0.001;
  p.hasYmd = true;
  p.hasHms = true;
  p.hasJd = false;
  p.rawNumber = false;
  p.tzMinutes = 0;
  p.failed = false;
}

const utcGuess = new DateTime();

/** Moves `p`, taken as local time, to UTC: the instant whose local time it is (up to four tries). */
function toUtc(p: DateTime): void {
  computeJd(p);
  const original = p.jdMs;
  let guess = original;
  let error = 0;
  let tries = 0;
  do {
    const g = utcGuess;
    g.clear();
    guess -= error;
    g.jdMs = guess;
    g.hasJd = true;
    toLocaltime(g);
    computeJd(g);
    error = g.jdMs - original;
  } while (error !== 0 && tries++ < 3);
  p.clear();
  p.jdMs = guess;
  p.hasJd = true;
  p.knownUtc = true;
}

// ---- Modifiers --------------------------------------------------------------------------------

/** The units of "±NNN unit" modifiers: name, largest magnitude (a C float), seconds per unit. */
const UNITS: readonly { name: string; limit: number; seconds: number }[] = [
  { name: 'second', limit: Math.fround(4.6427e14), seconds: 1.0 },
  { name: 'minute', limit: Math.fround(7.7379e12), seconds: 60.0 },
  { name: 'hour', limit: Math.fround(1.2897e11), seconds: 3600.0 },
  { name: 'day', limit: Math.fround(5373485.0), seconds: 86400.0 },
  { name: 'month', limit: Math.fround(176546.0), seconds: 2592000.0 },
  { name: 'year', limit: Math.fround(14713.0), seconds: 31536000.0 },
];
const MONTH_UNIT = 4;
const YEAR_UNIT = 5;

const timeShift = new DateTime();

/**
 * Applies one modifier (text `z`, the `index`-th argument counting the time value as 0) to `p`.
 * Returns false when the modifier is not understood or its result is out of range.
 */
function applyModifier(ctx: FunctionContext, z: string, p: DateTime, index: number): boolean {
  const lower = asciiLower(z);
  switch (lower.charCodeAt(0)) {
    case 0x61: // a
      if (lower !== 'auto') return false;
      if (index > 1) return false;
      autoAdjust(p);
      return true;
    case 0x63: // c
      if (lower !== 'ceiling') return false;
      computeJd(p);
      clearYmdHmsTz(p);
      p.floorDays = 0;
      return true;
    case 0x66: // f
      if (lower !== 'floor') return false;
      computeJd(p);
      p.jdMs -= p.floorDays * DAY_MS;
      clearYmdHmsTz(p);
      return true;
    case 0x6a: // j
      if (lower !== 'julianday') return false;
      if (index > 1) return false;
      if (!p.hasJd || !p.rawNumber) return false;
      p.rawNumber = false;
      return true;
    case 0x6c: // l
      if (lower !== 'localtime' || !mayBeImpure(ctx)) return false;
      if (!p.knownLocal) toLocaltime(p);
      p.knownUtc = false;
      p.knownLocal = true;
      return true;
    case 0x75: // u
      if (lower === 'unixepoch' && p.rawNumber) {
        if (index > 1) return false;
        const r = p.second * 1000.0 + 210866760000000.0;
        if (!(r >= 0.0 && r < 464269060800000.0)) return false;
        clearYmdHmsTz(p);
        p.jdMs = Math.trunc(r + 0.5);
        p.hasJd = true;
        p.rawNumber = false;
        return true;
      }
      if (lower !== 'utc' || !mayBeImpure(ctx)) return false;
      if (!p.knownUtc) toUtc(p);
      return true;
    case 0x77: // w
      return weekday(z, p);
    case 0x73: // s
      return startOfOrSubsec(lower, p);
    case 0x2b: // +
    case 0x2d: // -
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37:
    case 0x38:
    case 0x39:
      return shift(z, p);
    default:
      return false;
  }
}

/** 'auto': a raw number outside the Julian day range is read as seconds since 1970. */
function autoAdjust(p: DateTime): void {
  if (!p.rawNumber || p.hasJd) {
    p.rawNumber = false;
  } else if (p.second >= -210866760000 && p.second <= 253402300799) {
    const r = p.second * 1000.0 + 210866760000000.0;
    clearYmdHmsTz(p);
    p.jdMs = Math.trunc(r + 0.5);
    p.hasJd = true;
    p.rawNumber = false;
  }
}

/** 'weekday N': forward to the next day that is weekday N (0 = Sunday), unless it is one already. */
function weekday(z: string, p: DateTime): boolean {
  if (z.length < 8 || asciiLower(z.slice(0, 8)) !== 'weekday ') return false;
  if (!wholeNumber(z.slice(8))) return false;
  const r = scanReal;
  if (!(r >= 0.0 && r < 7.0) || Math.trunc(r) !== r) return false;
  computeYmdHms(p);
  p.tzMinutes = 0;
  p.hasJd = false;
  computeJd(p);
  let wd = idiv(p.jdMs + 129600000, DAY_MS) % 7;
  if (wd > r) wd -= 7;
  p.jdMs += (r - wd) * DAY_MS;
  clearYmdHmsTz(p);
  return true;
}

/** 'start of day|month|year', 'subsec', 'subsecond'. */
function startOfOrSubsec(lower: string, p: DateTime): boolean {
  if (!lower.startsWith('start of ')) {
    if (lower !== 'subsec' && lower !== 'subsecond') return false;
    p.subsec = true;
    return true;
  }
  if (!p.hasJd && !p.hasYmd && !p.hasHms) return false;
  computeYmd(p);
  p.hasHms = true;
  p.hour = p.minute = 0;
  p.second = 0.0;
  p.rawNumber = false;
  p.tzMinutes = 0;
  p.hasJd = false;
  const unit = lower.slice(9);
  if (unit === 'month') {
    p.day = 1;
    return true;
  }
  if (unit === 'year') {
    p.month = 1;
    p.day = 1;
    return true;
  }
  return unit === 'day';
}

/**
 * The modifiers that start with a sign or a digit: "±NNN unit[s]", "±HH:MM[:SS[.FFF]]" and
 * "±YYYY-MM-DD[ HH:MM[:SS[.FFF]]]".
 */
function shift(z: string, p: DateTime): boolean {
  const sign = z.charCodeAt(0);
  // The number ends at a ':', a space, or the '-' after a 4- or 5-digit year.
  let n = 1;
  for (; n < z.length; n++) {
    const c = z.charCodeAt(n);
    if (c === 0x3a || isSpace(c)) break;
    if (c === 0x2d) {
      if (n === 5 && fixedDigits(z, 1, 4, 0, YEAR_DIGITS_MAX) >= 0) break;
      if (n === 6 && fixedDigits(z, 1, 5, 0, YEAR_DIGITS_MAX) >= 0) break;
    }
  }
  if (!wholeNumber(z.slice(0, n))) return false;
  const r = scanReal;
  // Where the ':' of a time to add would be: after the number, or after the hour of a date's time.
  let timeAt = n;
  if (z.charCodeAt(n) === 0x2d) {
    // ±YYYY-MM-DD: whole years, months (0…11) and days (0…30).
    if (sign !== 0x2b && sign !== 0x2d) return false;
    const yearDigits = n - 1;
    const y = fixedDigits(z, 1, yearDigits, 0, YEAR_DIGITS_MAX);
    if (y < 0) return false;
    const m = fixedDigits(z, n + 1, 2, 0, 12);
    if (m < 0 || z.charCodeAt(n + 3) !== 0x2d) return false;
    let d = fixedDigits(z, n + 4, 2, 0, 31);
    if (d < 0) return false;
    if (m >= 12 || d >= 31) return false;
    computeYmdHms(p);
    p.hasJd = false;
    if (sign === 0x2d) {
      p.year -= y;
      addMonths(p, -m);
      d = -d;
    } else {
      p.year += y;
      addMonths(p, m);
    }
    computeFloor(p);
    computeJd(p);
    p.hasHms = false;
    p.hasYmd = false;
    p.jdMs += d * DAY_MS;
    const end = n + 6;
    if (end >= z.length) return true;
    if (!isSpace(z.charCodeAt(end)) || !readHourMinute(z, end + 1, 24)) return false;
    timeAt = end + 1 + 2;
  }
  if (z.charCodeAt(timeAt) === 0x3a) {
    // ±HH:MM[:SS[.FFF]]: a time of day added or subtracted.
    let start = timeAt === n ? 0 : timeAt - 2;
    if (!isDigit(z.charCodeAt(start))) start++;
    const tx = timeShift;
    tx.clear();
    if (!parseHhMmSs(z, start, tx)) return false;
    computeJd(tx);
    tx.jdMs -= HALF_DAY_MS;
    const days = idiv(tx.jdMs, DAY_MS);
    tx.jdMs -= days * DAY_MS;
    if (sign === 0x2d) tx.jdMs = -tx.jdMs;
    computeJd(p);
    clearYmdHmsTz(p);
    p.jdMs += tx.jdMs;
    return true;
  }
  return addUnits(z.slice(n), r, p);
}

/** "NNN unit[s]" (after the number): adds `r` seconds, minutes, hours, days, months or years. */
function addUnits(rest: string, r: number, p: DateTime): boolean {
  let at = 0;
  while (isSpace(rest.charCodeAt(at))) at++;
  let unit = asciiLower(rest.slice(at));
  if (unit.length < 3 || unit.length > 10) return false;
  if (unit.charCodeAt(unit.length - 1) === 0x73) unit = unit.slice(0, -1);
  computeJd(p);
  const rounder = r < 0 ? -0.5 : 0.5;
  p.floorDays = 0;
  let ok = false;
  for (let i = 0; i < UNITS.length; i++) {
    const u = UNITS[i]!;
    if (u.name !== unit || !(r > -u.limit && r < u.limit)) continue;
    if (i === MONTH_UNIT) {
      computeYmdHms(p);
      addMonths(p, Math.trunc(r));
      computeFloor(p);
      p.hasJd = false;
      r -= Math.trunc(r);
    } else if (i === YEAR_UNIT) {
      computeYmdHms(p);
      p.year += Math.trunc(r);
      computeFloor(p);
      p.hasJd = false;
      r -= Math.trunc(r);
    }
    computeJd(p);
    p.jdMs += Math.trunc(r * 1000.0 * u.seconds + rounder);
    ok = true;
    break;
  }
  clearYmdHmsTz(p);
  return ok;
}

// ---- The arguments of a date function ---------------------------------------------------------

/**
 * Reads the time value args[first] and the modifiers after it, up to args[first + count - 1], into
 * `p` (SQLite's isDate). With no arguments at all the value is 'now'. Returns false — the function
 * then returns NULL — when an argument is NULL or not understood, or the result is out of range;
 * or — with `nondeterministicUse` set — when it would read the clock or time zone where it may not.
 */
export function readDateArgs(ctx: FunctionContext, args: Args, first: number, count: number, p: DateTime): boolean {
  p.clear();
  nondeterministicUse = false;
  if (count === 0) return mayBeImpure(ctx) && setToNow(ctx, p);
  const t = args.type(first);
  if (t === ValueType.Integer || t === ValueType.Real) {
    setRawNumber(p, args.real(first));
  } else if (t === ValueType.Null || !parseTimeValue(ctx, cText(args.text(first)), p)) {
    return false;
  }
  for (let i = 1; i < count; i++) {
    if (args.type(first + i) === ValueType.Null) return false;
    if (!applyModifier(ctx, cText(args.text(first + i)), p, i)) return false;
  }
  computeJd(p);
  if (p.failed || !validJulianDay(p.jdMs)) return false;
  // A lone YYYY-MM-DD past the month's end is normalized: 2023-02-31 is 2023-03-03.
  if (count === 1 && p.hasYmd && p.day > 28) p.hasYmd = false;
  return true;
}
