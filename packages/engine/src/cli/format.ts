/**
 * How the `hearth` shell writes values and lists, byte for byte as Debian's sqlite3 3.40 does.
 *
 * sqlite3 prints a value as the C string sqlite3_column_text gives: INTEGER in decimal, REAL as
 * printf("%!.15g"), TEXT as its UTF-8 bytes, a BLOB as its raw bytes — each cut at the first NUL
 * byte, since the shell prints C strings. NULL is the `.nullvalue` text, chosen by the caller.
 */
import { ValueType } from '../record/value.js';
import { formatFunction } from '../func/printf.js';
import { ArrayArgs, CapturingResult } from '../value/args.js';

const utf8 = new TextEncoder();

/** The bytes of `s` in UTF-8. */
export function bytesOf(s: string): Uint8Array {
  return utf8.encode(s);
}

const realArgs = [
  { type: ValueType.Text as ValueType, value: '%!.15g' },
  { type: ValueType.Real as ValueType, value: 0 },
];
const realResult = new CapturingResult();

/** A REAL as SQLite 3.40 converts it to text (15 significant digits, always a point or exponent). */
export function realText(r: number): string {
  realArgs[1]!.value = r;
  formatFunction(new ArrayArgs(realArgs), realResult.reset());
  return realResult.value as string;
}

/** Bytes up to (not including) the first NUL. */
function cString(bytes: Uint8Array): Uint8Array {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/**
 * A non-NULL value as the shell prints it, from better-sqlite3-style JavaScript values read with
 * safe integers: bigint is INTEGER, number REAL, string TEXT, Uint8Array BLOB.
 */
export function valueBytes(v: bigint | number | string | Uint8Array): Uint8Array {
  if (typeof v === 'bigint') return bytesOf(v.toString());
  if (typeof v === 'number') return bytesOf(realText(v));
  if (typeof v === 'string') return cString(bytesOf(v));
  return cString(v);
}

/** Bytes that make a CSV field quoted: controls and space, `"`, `'`, DEL and every non-ASCII byte. */
function needsCsvQuote(b: number): boolean {
  return b <= 0x20 || b === 0x22 || b === 0x27 || b >= 0x7f;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * A field in CSV mode: quoted (with `"` doubled) when empty, when it holds a byte that needs it, or
 * when it contains the column separator.
 */
export function csvField(field: Uint8Array, separator: Uint8Array): Uint8Array {
  if (field.length > 0 && !field.some(needsCsvQuote) && !contains(field, separator)) return field;
  const out: number[] = [0x22];
  for (const b of field) {
    out.push(b);
    if (b === 0x22) out.push(0x22);
  }
  out.push(0x22);
  return Uint8Array.from(out);
}

/** Pads `s` with spaces on the right (or, `left`, on the left) to `width` bytes. */
export function pad(s: string, width: number, left = false): string {
  const fill = ' '.repeat(Math.max(0, width - bytesOf(s).length));
  return left ? fill + s : s + fill;
}

/** `.tables`: the names in columns as wide as the longest, down then across, within 80 characters. */
export function tableColumns(names: string[]): string {
  if (names.length === 0) return '';
  const width = Math.max(...names.map((n) => bytesOf(n).length));
  const perLine = Math.max(1, Math.floor(80 / (width + 2)));
  const lines = Math.ceil(names.length / perLine);
  let out = '';
  for (let i = 0; i < lines; i++) {
    const cells: string[] = [];
    for (let j = i; j < names.length; j += lines) cells.push(pad(names[j]!, width));
    out += cells.join('  ') + '\n';
  }
  return out;
}
