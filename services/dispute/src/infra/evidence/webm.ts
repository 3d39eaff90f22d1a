import { defect, type Walked } from './walk';

/** An EBML variable-length integer: its length, value, and whether it is the "unknown size" marker. */
const vint = (b: Uint8Array, at: number, keepMarker: boolean): { len: number; value: number; unknown: boolean } | null => {
  const first = b[at];
  if (first === undefined || first === 0 || at + Math.clz32(first) - 23 > b.length) return null;
  const len = Math.clz32(first) - 23;
  const mask = 0xff >> len;
  let value = keepMarker ? first : first & mask;
  let unknown = (first & mask) === mask;
  for (let i = 1; i < len; i++) {
    value = value * 256 + b[at + i]!;
    unknown &&= b[at + i] === 0xff;
  }
  return { len, value, unknown };
};

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;

/** WebM (EBML): top-level elements inside the file, the header then a Segment (an unknown size runs to the end). Declares no size. */
export const walkWebm = (b: Uint8Array): Walked => {
  let pos = 0;
  const ids: number[] = [];
  while (pos < b.length) {
    const id = vint(b, pos, true);
    const size = id && vint(b, pos + id.len, false);
    if (!id || !size) return defect('WebM element header truncated');
    ids.push(id.value);
    // A live-recorded Segment may declare an unknown size: it runs to the end of the file.
    if (size.unknown) break;
    pos += id.len + size.len + size.value;
    if (pos > b.length) return defect('WebM element runs past the end');
  }
  if (ids[0] !== EBML_HEADER) return defect('WebM does not start with an EBML header');
  return ids.includes(SEGMENT) ? {} : defect('WebM without a Segment');
};
