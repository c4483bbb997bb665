/**
 * Whether a BLOB is JSONB: the quick check SQLite makes before treating a BLOB argument as JSONB
 * (the outer header spans the whole blob; small blobs are checked fully, since JSON text cast to a
 * BLOB could pass the quick check), and the full check of json_valid(X, 8) and json_error_position().
 *
 * `validityError` returns 0 for well-formed JSONB, else a 1-based byte position near the problem.
 */
import {
  JSON_IS_OK,
  JSONB_ARRAY,
  JSONB_FALSE,
  JSONB_FLOAT,
  JSONB_FLOAT5,
  JSONB_INT,
  JSONB_INT5,
  JSONB_NULL,
  JSONB_OBJECT,
  JSONB_TEXT,
  JSONB_TEXT5,
  JSONB_TEXTJ,
  JSONB_TEXTRAW,
  JSONB_TRUE,
  INVALID_CHAR,
  Jsonb,
  MAX_DEPTH,
  escapeChar,
  isDigit,
  isXDigit,
  payloadSize,
  payloadSz,
  unescapeOne,
} from './jsonb.js';

/** `bytes` as a Jsonb (not copied) when it passes SQLite's check for JSONB; else null. */
export function asJsonb(bytes: Uint8Array): Jsonb | null {
  if (bytes.length === 0) return null;
  const c = bytes[0]!;
  if ((c & 0x0f) > JSONB_OBJECT) return null;
  const j = new Jsonb(0);
  j.blob = bytes;
  j.n = bytes.length;
  const n = payloadSize(j, 0);
  const sz = payloadSz;
  if (n === 0 || sz + n !== bytes.length) return null;
  if ((c & 0x0f) <= JSONB_FALSE && sz !== 0) return null;
  if (sz > 7 || (c !== 0x7b && c !== 0x5b && !isDigit(c)) || validityError(j, 0, j.n, 1) === 0) return j;
  return null;
}

export function validityError(j: Jsonb, i: number, end: number, depth: number): number {
  if (depth > MAX_DEPTH) return i + 1;
  const n = payloadSize(j, i);
  let sz = payloadSz;
  if (n === 0 || i + n + sz !== end) return i + 1;
  const z = j.blob;
  const x = z[i]! & 0x0f;
  switch (x) {
    case JSONB_NULL:
    case JSONB_TRUE:
    case JSONB_FALSE:
      return n + sz === 1 ? 0 : i + 1;
    case JSONB_INT: {
      if (sz < 1) return i + 1;
      let k = i + n;
      if (z[k] === 0x2d) {
        k++;
        if (sz < 2) return i + 1;
      }
      for (; k < end; k++) if (!isDigit(z[k])) return k + 1;
      return 0;
    }
    case JSONB_INT5: {
      if (sz < 3) return i + 1;
      let k = i + n;
      if (z[k] === 0x2d) {
        if (sz < 4) return i + 1;
        k++;
      }
      if (z[k] !== 0x30) return i + 1;
      if (z[k + 1] !== 0x78 && z[k + 1] !== 0x58) return k + 2;
      for (k += 2; k < end; k++) if (!isXDigit(z[k])) return k + 1;
      return 0;
    }
    case JSONB_FLOAT:
    case JSONB_FLOAT5:
      return floatError(z, i, n, sz, x);
    case JSONB_TEXT:
      for (let k = i + n; k < end; k++) if (!JSON_IS_OK[z[k]!] && z[k] !== 0x27) return k + 1;
      return 0;
    case JSONB_TEXTJ:
    case JSONB_TEXT5:
      for (let k = i + n; k < end; k++) {
        const c = z[k]!;
        if (JSON_IS_OK[c] || c === 0x27) continue;
        if (c === 0x22 || c <= 0x1f) {
          if (x === JSONB_TEXTJ) return k + 1;
        } else if (c !== 0x5c || k + 1 >= end) {
          return k + 1;
        } else if ('"\\/bfnrt'.includes(String.fromCharCode(z[k + 1]!))) {
          k++;
        } else if (z[k + 1] === 0x75) {
          if (k + 5 >= end) return k + 1;
          if (!(isXDigit(z[k + 2]) && isXDigit(z[k + 3]) && isXDigit(z[k + 4]) && isXDigit(z[k + 5]))) return k + 1;
          k++;
        } else if (x !== JSONB_TEXT5) {
          return k + 1;
        } else {
          const len = unescapeOne(z, k, end);
          if (escapeChar === INVALID_CHAR) return k + 1;
          k += len - 1;
        }
      }
      return 0;
    case JSONB_TEXTRAW:
      return 0;
    case JSONB_ARRAY:
    case JSONB_OBJECT: {
      let count = 0;
      let k = i + n;
      while (k < end) {
        const m = payloadSize(j, k);
        sz = payloadSz;
        if (m === 0 || k + m + sz > end) return k + 1;
        if (x === JSONB_OBJECT && (count & 1) === 0) {
          const t = z[k]! & 0x0f;
          if (t < JSONB_TEXT || t > JSONB_TEXTRAW) return k + 1;
        }
        const sub = validityError(j, k, k + m + sz, depth + 1);
        if (sub !== 0) return sub;
        count++;
        k += m + sz;
      }
      if (x === JSONB_OBJECT && (count & 1) !== 0) return k + 1;
      return 0;
    }
    default:
      return i + 1;
  }
}

function floatError(z: Uint8Array, i: number, n: number, sz: number, x: number): number {
  if (sz < 2) return i + 1;
  let k = i + n;
  const end = k + sz;
  let seen = 0;
  if (z[k] === 0x2d) {
    k++;
    if (sz < 3) return i + 1;
  }
  if (z[k] === 0x2e) {
    if (x === JSONB_FLOAT) return k + 1;
    if (!isDigit(z[k + 1])) return k + 1;
    k += 2;
    seen = 1;
  } else if (z[k] === 0x30 && x === JSONB_FLOAT) {
    if (k + 3 > end) return k + 1;
    if (z[k + 1] !== 0x2e && z[k + 1] !== 0x65 && z[k + 1] !== 0x45) return k + 1;
    k++;
  }
  for (; k < end; k++) {
    const c = z[k]!;
    if (isDigit(c)) continue;
    if (c === 0x2e) {
      if (seen > 0) return k + 1;
      if (x === JSONB_FLOAT && (k === end - 1 || !isDigit(z[k + 1]))) return k + 1;
      seen = 1;
      continue;
    }
    if (c === 0x65 || c === 0x45) {
      if (seen === 2) return k + 1;
      if (k === end - 1) return k + 1;
      if (z[k + 1] === 0x2b || z[k + 1] === 0x2d) {
        k++;
        if (k === end - 1) return k + 1;
      }
      seen = 2;
      continue;
    }
    return k + 1;
  }
  return seen === 0 ? i + 1 : 0;
}
