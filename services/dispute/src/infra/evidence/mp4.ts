import { defect, fourcc, view, type Walked } from './walk';

/** ISO-BMFF boxes nested in the ones the walk enters (enough to reach the sample tables). */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf', 'mfra', 'udta']);

/** Box types at one level, each box inside its parent; a defect otherwise. */
const walkBoxes = (b: Uint8Array, from: number, to: number, depth: number): string[] | { defect: string } => {
  const v = view(b);
  const types: string[] = [];
  let pos = from;
  while (pos < to) {
    if (pos + 8 > to) return { defect: 'MP4 box header truncated' };
    let size = v.getUint32(pos);
    const type = fourcc(b, pos + 4);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > to) return { defect: 'MP4 box header truncated' };
      size = Number(v.getBigUint64(pos + 8));
      header = 16;
    } else if (size === 0) size = to - pos; // "to the end of the file"
    if (size < header || pos + size > to) return { defect: `MP4 box ${type} runs past the end` };
    if (CONTAINERS.has(type) && depth < 8) {
      const inner = walkBoxes(b, pos + header, pos + size, depth + 1);
      if (!Array.isArray(inner)) return inner;
    }
    types.push(type);
    pos += size;
  }
  return types;
};

/** MP4: ftyp first, every box (and the containers' children) inside its parent, a moov present. Declares no size. */
export const walkMp4 = (b: Uint8Array): Walked => {
  const boxes = walkBoxes(b, 0, b.length, 0);
  if (!Array.isArray(boxes)) return boxes;
  if (boxes[0] !== 'ftyp') return defect('MP4 does not start with ftyp');
  return boxes.includes('moov') ? {} : defect('MP4 without moov');
};
