import type { Dimensions } from '../../domain/evidence/structure';
import { defect, view, type Walked } from './walk';

/** GIF sub-blocks: length-prefixed, ended by a zero length; -1 when they run past the end. */
const skipSubBlocks = (b: Uint8Array, from: number): number => {
  let pos = from;
  while (pos < b.length) {
    const n = b[pos]!;
    pos += 1 + n;
    if (n === 0) return pos;
  }
  return -1;
};
const colorTable = (packed: number): number => (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0);

/**
 * GIF: logical screen, then extensions and image descriptors (each frame declares its size), then the
 * trailer. Parsed although D3 does not allow GIF (the type check refuses it first): the walk is per format.
 */
export const walkGif = (b: Uint8Array, declared: Dimensions[]): Walked => {
  const v = view(b);
  if (b.length < 13) return defect('GIF header truncated');
  const size = { width: v.getUint16(6, true), height: v.getUint16(8, true) };
  // A zero logical screen is tolerated (viewers use the frame's size): it declares nothing then.
  if (size.width > 0 && size.height > 0) declared.push(size);
  let pos = 13 + colorTable(b[10]!);
  let frames = 0;
  for (;;) {
    if (pos >= b.length) return defect('GIF ends without its trailer');
    const block = b[pos++]!;
    if (block === 0x3b) return frames > 0 ? { size } : defect('GIF without an image');
    if (block === 0x21) pos = skipSubBlocks(b, pos + 1);
    else if (block === 0x2c) {
      if (pos + 9 > b.length) return defect('GIF image descriptor truncated');
      declared.push({ width: v.getUint16(pos + 4, true), height: v.getUint16(pos + 6, true) });
      pos = skipSubBlocks(b, pos + 9 + colorTable(b[pos + 8]!) + 1); // + LZW minimum code size
      frames++;
    } else return defect(`GIF block 0x${block.toString(16)} unknown`);
    if (pos < 0) return defect('GIF data runs past the end');
  }
};
