/**
 * RFC 7396 MergePatch on JSONB, in place in the target, as SQLite performs it (so that the bytes of
 * the result match SQLite's): a patch that is not an object replaces the target; an object patch
 * turns a non-object target into an empty object, removes the members the patch sets to null, merges
 * into members both have, and appends the patch's other members (an object value merged into `{}`).
 */
import { JSONB_NULL, JSONB_OBJECT, JSONB_TEXT, JSONB_TEXTRAW, type Jsonb, MAX_DEPTH, labelsEqual, payloadSize, payloadSz } from './jsonb.js';
import { JsonError, malformed } from './values.js';

/** Merges the patch node at `patch.blob[ip]` into the target node at `target.blob[it]`. */
export function mergePatch(target: Jsonb, it: number, patch: Jsonb, ip: number, depth: number): void {
  const pb = patch.blob;
  if ((pb[ip]! & 0x0f) !== JSONB_OBJECT) {
    const pn = payloadSize(patch, ip);
    const patchSize = pn + payloadSz;
    const tn = payloadSize(target, it);
    const targetSize = tn + payloadSz;
    target.edit(it, targetSize, pb.slice(ip, ip + patchSize));
    return;
  }
  if ((target.blob[it]! & 0x0f) !== JSONB_OBJECT) {
    const tn = payloadSize(target, it);
    target.edit(it + tn, payloadSz, null, 0);
    target.blob[it] = (target.blob[it]! & 0xf0) | JSONB_OBJECT;
  }
  let n = payloadSize(patch, ip);
  if (n === 0) throw malformed();
  let pCursor = ip + n;
  const pEnd = pCursor + payloadSz;
  n = payloadSize(target, it);
  if (n === 0) throw malformed();
  const tStart = it + n;
  const tEndBefore = tStart + payloadSz;

  while (pCursor < pEnd) {
    const pLabel = pCursor;
    const pLabelType = pb[pCursor]! & 0x0f;
    if (pLabelType < JSONB_TEXT || pLabelType > JSONB_TEXTRAW) throw malformed();
    const pLabelHeader = payloadSize(patch, pCursor);
    const pLabelSize = payloadSz;
    if (pLabelHeader === 0) throw malformed();
    const pValue = pCursor + pLabelHeader + pLabelSize;
    if (pValue >= pEnd) throw malformed();
    const pValueHeader = payloadSize(patch, pValue);
    const pValueSize = payloadSz;
    if (pValueHeader === 0) throw malformed();
    pCursor = pValue + pValueHeader + pValueSize;
    if (pCursor > pEnd) throw malformed();

    let tCursor = tStart;
    const tEnd = tEndBefore + target.delta;
    let tLabel = 0;
    let tLabelHeader = 0;
    let tLabelSize = 0;
    let tValue = 0;
    let tValueHeader = 0;
    let tValueSize = 0;
    while (tCursor < tEnd) {
      tLabel = tCursor;
      const tLabelType = target.blob[tCursor]! & 0x0f;
      if (tLabelType < JSONB_TEXT || tLabelType > JSONB_TEXTRAW) throw malformed();
      tLabelHeader = payloadSize(target, tCursor);
      tLabelSize = payloadSz;
      if (tLabelHeader === 0) throw malformed();
      tValue = tLabel + tLabelHeader + tLabelSize;
      if (tValue >= tEnd) throw malformed();
      tValueHeader = payloadSize(target, tValue);
      tValueSize = payloadSz;
      if (tValueHeader === 0) throw malformed();
      if (tValue + tValueHeader + tValueSize > tEnd) throw malformed();
      const equal = labelsEqual(
        pb,
        pLabel + pLabelHeader,
        pLabelSize,
        pLabelType === JSONB_TEXT || pLabelType === JSONB_TEXTRAW,
        target.blob,
        tLabel + tLabelHeader,
        tLabelSize,
        tLabelType === JSONB_TEXT || tLabelType === JSONB_TEXTRAW,
      );
      if (equal) break;
      tCursor = tValue + tValueHeader + tValueSize;
    }
    const valueType = pb[pValue]! & 0x0f;
    if (tCursor < tEnd) {
      if (valueType === JSONB_NULL) {
        target.edit(tLabel, tLabelHeader + tLabelSize + tValueHeader + tValueSize, null, 0);
      } else {
        const saved = target.delta;
        target.delta = 0;
        if (depth >= MAX_DEPTH) throw new JsonError('JSON nested too deep');
        mergePatch(target, tValue, patch, pValue, depth + 1);
        target.delta += saved;
      }
    } else if (valueType !== JSONB_NULL) {
      const labelBytes = pLabelSize + pLabelHeader;
      if (valueType !== JSONB_OBJECT) {
        target.edit(tEnd, 0, null, pValueSize + pValueHeader + labelBytes);
        target.blob.set(pb.subarray(pLabel, pLabel + labelBytes), tEnd);
        target.blob.set(pb.subarray(pValue, pValue + pValueSize + pValueHeader), tEnd + labelBytes);
      } else {
        target.edit(tEnd, 0, null, labelBytes + 1);
        target.blob.set(pb.subarray(pLabel, pLabel + labelBytes), tEnd);
        target.blob[tEnd + labelBytes] = 0x00;
        const saved = target.delta;
        target.delta = 0;
        if (depth >= MAX_DEPTH) throw new JsonError('JSON nested too deep');
        mergePatch(target, tEnd + labelBytes, patch, pValue, depth + 1);
        target.delta += saved;
      }
    }
  }
  if (target.delta !== 0) target.afterEditSizeAdjust(it);
}
