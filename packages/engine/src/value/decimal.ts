/**
 * Decimal digits of a double, derived the way SQLite 3.53 derives them for printf and for REAL → TEXT.
 *
 * SQLite does not produce correctly rounded digits. It scales the double by a power of ten whose
 * 64-bit significand is truncated and keeps the nearest integer of the product. The raw digits take
 * 18 or 19 significant digits that way (the last ones noise). A %e/%g precision of up to 16 digits
 * is reached by scaling straight to that many digits (one rounding of the product, so a tie that the
 * truncated power pushes below one half rounds down); every other precision rounds the raw digit
 * string half up, but to no more than 16 significant digits (26 with printf's `!` flag). Rounding to
 * exactly 17 digits is special: the 17 digits are shortened to 15 when those read back as the same
 * double and the 17-digit form strays from them only by noise (see `shortenTo15`). This is how
 * `%!.17g`, and so CAST(x AS TEXT), prints 0.1 as "0.1" but 0.1 + 0.2 as "0.30000000000000004".
 *
 * The differential tests pin all of this against SQLite over hundreds of thousands of doubles. The
 * result of `decodeReal` is left in the module-level `decoded` record (digits as ASCII codes), which
 * the next call overwrites.
 */

/** Digits and decimal point of the last double passed to `decodeReal`. */
export interface DecodedReal {
  /** The value was negative (a negative zero is not). */
  negative: boolean;
  /** ASCII codes of the significant digits, `digits[0..n)`; no trailing zeros; "0" for zero. */
  readonly digits: Uint8Array;
  /** Number of digits, at least 1. */
  n: number;
  /** Position of the decimal point: the value is 0.d1d2…dn × 10^dp. */
  dp: number;
}

/** Output of `decodeReal` (overwritten by each call). */
export const decoded: DecodedReal = { negative: false, digits: new Uint8Array(24), n: 1, dp: 1 };

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

// Powers of ten as 64-bit significands truncated toward zero: 10^k ≈ sig · 2^exp with sig in
// [2^63, 2^64). Built on first use; k spans what a finite double can need.
const MIN_K = -350;
const MAX_K = 350;
let powSig: bigint[] | null = null;
let powExp: Int32Array | null = null;

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

function buildPowers(): void {
  const sig: bigint[] = [];
  const exp = new Int32Array(MAX_K - MIN_K + 1);
  for (let k = MIN_K; k <= MAX_K; k++) {
    let s: bigint;
    let q: number;
    if (k >= 0) {
      const t = 10n ** BigInt(k);
      q = bitLength(t) - 64;
      s = q <= 0 ? t << BigInt(-q) : t >> BigInt(q);
    } else {
      // 10^k = 2^q / 10^-k: take q so that the quotient floor(2^-q / 10^-k) has 64 bits.
      const t = 10n ** BigInt(-k);
      const shift = bitLength(t) + 63;
      q = -shift;
      s = (1n << BigInt(shift)) / t;
      if (s >= 1n << 64n) {
        s >>= 1n;
        q++;
      }
    }
    sig.push(s);
    exp[k - MIN_K] = q;
  }
  powSig = sig;
  powExp = exp;
}

/** Significand of the last double split by `split`, normalised to 64 bits: x = splitM · 2^(splitE - 63). */
let splitM = 0n;
let splitE = 0;

function split(x: number): void {
  f64[0] = x;
  const biased = (u32[HI] >>> 20) & 0x7ff;
  let m = (BigInt(u32[HI] & 0xfffff) << 32n) | BigInt(u32[LO]);
  let e2: number; // x = m · 2^(e2 - 63) once m is normalised to 64 bits
  if (biased === 0) {
    const bits = bitLength(m);
    m <<= BigInt(64 - bits);
    e2 = bits - 1 - 1074;
  } else {
    m = (m | (1n << 52n)) << 11n;
    e2 = biased - 1023;
  }
  splitM = m;
  splitE = e2;
}

/**
 * |x| · 10^k rounded half up to an integer, as SQLite computes it: the significand times the 64-bit
 * power of ten truncated toward zero. (k = -1, where SQLite's result behaves as exact, is exact.)
 */
function scaled(k: number): bigint {
  if (powSig === null) buildPowers();
  if (k === -1) {
    // Exact: floor(|x| / 10 + 1/2).
    let num = splitM;
    let den = 10n;
    const e = splitE - 63;
    if (e >= 0) num <<= BigInt(e);
    else den <<= BigInt(-e);
    return (2n * num + den) / (2n * den);
  }
  const sig = powSig![k - MIN_K];
  const shift = -(splitE - 63 + powExp![k - MIN_K]);
  const p = splitM * sig;
  return shift > 0 ? (p + (1n << BigInt(shift - 1))) >> BigInt(shift) : p << BigInt(-shift);
}

/** Puts the decimal digits of `v` in `decoded` with the point at `dp` counted from the end of `v`. */
function setDigits(v: bigint, k: number): void {
  const s = v.toString();
  const d = decoded.digits;
  for (let i = 0; i < s.length; i++) d[i] = s.charCodeAt(i);
  decoded.n = s.length;
  decoded.dp = s.length - k;
}

/** Fills `decoded` with SQLite's raw digits of finite, non-zero `x` (18 or 19 of them, trailing zeros kept). */
function rawDigits(x: number): void {
  split(x);
  // k makes x · 10^k land at 10^17 or a little above, so the product has 18 or 19 digits.
  const k = 17 - ((splitE * 78913) >> 18);
  setDigits(scaled(k), k);
}

/**
 * Decodes finite `x` into `decoded`, rounding to `round` significant digits when `round > 0` (printf
 * %e and %g), or, when `round <= 0`, to `-round` digits after the decimal point (printf %f); and
 * never keeping more than `maxDigits` significant digits.
 *
 * Significant-digit precisions up to 16 scale straight to that many digits; every other rounding is
 * half up on the raw digit string, at the precision or `maxDigits`, whichever is less (with the
 * 17-digit special case).
 */
export function decodeReal(x: number, round: number, maxDigits: number): void {
  const out = decoded;
  const d = out.digits;
  out.negative = x < 0;
  if (x === 0) {
    d[0] = 0x30;
    out.n = 1;
    out.dp = 1;
    return;
  }
  rawDigits(x);
  if (round > 0 && round <= 16) {
    if (round < out.n) {
      const k = round - out.dp;
      setDigits(scaled(k), k);
    }
    stripZeros();
    return;
  }
  let at = round > 0 ? round : out.dp - round;
  if (at > maxDigits) at = maxDigits;
  if (at <= 0) {
    // Everything rounds away: to a single 1 in the next place up, or to zero.
    if (at === 0 && d[0] >= 0x35) {
      d[0] = 0x31;
      out.dp++;
    } else {
      d[0] = 0x30;
      out.dp = 1;
    }
    out.n = 1;
    return;
  }
  if (at === 17) roundTo17(x);
  else roundDecoded(at);
  stripZeros();
}

/** Drops trailing zero digits from `decoded` (keeping at least one digit). */
function stripZeros(): void {
  let n = decoded.n;
  while (n > 1 && decoded.digits[n - 1] === 0x30) n--;
  decoded.n = n;
  if (n === 1 && decoded.digits[0] === 0x30) decoded.dp = 1;
}

/** Rounds `decoded` in place to at most `at` significant digits, half up. */
function roundDecoded(at: number): void {
  const out = decoded;
  if (out.n <= at) return;
  const d = out.digits;
  out.n = at;
  if (d[at] < 0x35) return;
  let i = at - 1;
  while (i >= 0 && d[i] === 0x39) d[i--] = 0x30;
  if (i >= 0) {
    d[i]++;
    return;
  }
  // The carry ran off the front: 999… became 1000…, one place further left.
  d[0] = 0x31;
  out.dp++;
}

const saved = new Uint8Array(24);

/** The digits of `decoded` as text. */
function digitText(): string {
  let s = '';
  for (let i = 0; i < decoded.n; i++) s += String.fromCharCode(decoded.digits[i]);
  return s;
}

/** Rounds the raw digits in `decoded` to 17, then shortens them to 15 if `shortenTo15` agrees. */
function roundTo17(x: number): void {
  const raw = digitText().padEnd(19, '0');
  const rawDp = decoded.dp;
  roundDecoded(17);
  stripZeros();
  const n17 = decoded.n;
  const dp17 = decoded.dp;
  saved.set(decoded.digits.subarray(0, n17));
  roundDecoded(15);
  stripZeros();
  if (decoded.n === n17 && decoded.dp === dp17) return; // nothing past the 15th digit
  if (!shortenTo15(x, raw, rawDp)) {
    decoded.digits.set(saved.subarray(0, n17));
    decoded.n = n17;
    decoded.dp = dp17;
  }
}

/**
 * Whether the 15-digit form now in `decoded` (the 17-digit rounding rounded again) replaces the
 * 17-digit one. It must read back as `x`; and, measured against the raw digits `raw` (19 places from
 * `rawDp`), the raw digits may lie up to one unit of the 16th place below it, and above it by less
 * than that unit when the 15 digits end in two zeros, by less than half a unit of the 17th place when
 * they end in one zero, and not at all otherwise (the 17-digit rounding must then equal it). This
 * rule was fitted against SQLite; it disagrees for about one random double in 100,000, all within
 * half an ulp of the 15-digit form (see the report of value/convert.test.ts).
 */
function shortenTo15(x: number, raw: string, rawDp: number): boolean {
  const kept = decoded.n;
  if (kept === 15) return false;
  const s = digitText();
  if (Number(`${s}e${decoded.dp - kept}`) !== Math.abs(x)) return false;
  // Offset of the raw digits from the 15-digit form, in units of the 19th place.
  const scaled = BigInt(s.padEnd(19, '0')) * (decoded.dp > rawDp ? 10n : 1n);
  const off = Number(BigInt(raw) - scaled);
  return off >= -1000 && (kept <= 13 ? off < 1000 : off < 50);
}
