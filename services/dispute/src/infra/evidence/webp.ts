import type { Dimensions } from '../../domain/evidence/structure';
import { defect, fourcc, view, type Walked } from './walk';

const u24 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);

/** The canvas or frame size a WebP chunk declares, null for a chunk that declares none, or the defect. */
const chunkSize = (b: Uint8Array, id: string, at: number, len: number): Dimensions | { defect: string } | null => {
  const v = view(b);
  switch (id) {
    case 'VP8 ': // key frame tag (bit 0 clear), start code 9d 01 2a, 14-bit sizes
      if (len < 10 || (b[at]! & 1) !== 0 || b[at + 3] !== 0x9d || b[at + 4] !== 0x01 || b[at + 5] !== 0x2a) return { defect: 'WebP VP8 header invalid' };
      return { width: v.getUint16(at + 6, true) & 0x3fff, height: v.getUint16(at + 8, true) & 0x3fff };
    case 'VP8L': {
      if (len < 5 || b[at] !== 0x2f) return { defect: 'WebP VP8L header invalid' };
      const bits = v.getUint32(at + 1, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X':
      if (len < 10) return { defect: 'WebP VP8X header invalid' };
      return { width: u24(b, at + 4) + 1, height: u24(b, at + 7) + 1 };
    case 'ANMF':
      if (len < 16) return { defect: 'WebP ANMF header invalid' };
      return { width: u24(b, at + 6) + 1, height: u24(b, at + 9) + 1 };
    default:
      return null;
  }
};

/** WebP: RIFF size equal to the file, chunks inside it, VP8/VP8L/VP8X first; the first declared size is the canvas. */
export const walkWebp = (b: Uint8Array, declared: Dimensions[]): Walked => {
  const v = view(b);
  if (b.length < 12 || v.getUint32(4, true) + 8 !== b.length) return defect('WebP RIFF size does not match the file');
  let pos = 12;
  let canvas: Dimensions | undefined;
  let image = false;
  while (pos < b.length) {
    if (pos + 8 > b.length) return defect('WebP chunk header truncated');
    const id = fourcc(b, pos);
    const len = v.getUint32(pos + 4, true);
    const at = pos + 8;
    if (at + len + (len & 1) > b.length) return defect(`WebP chunk ${id.trim()} runs past the end`);
    const size = chunkSize(b, id, at, len);
    if (size !== null && 'defect' in size) return size;
    if (size === null && canvas === undefined) return defect('WebP does not start with VP8, VP8L or VP8X');
    if (size !== null) {
      declared.push(size);
      canvas ??= size;
    }
    if (id === 'VP8 ' || id === 'VP8L' || id === 'ANMF') image = true;
    pos = at + len + (len & 1); // chunks are padded to an even length
  }
  return image ? { size: canvas } : defect('WebP without image data');
};
