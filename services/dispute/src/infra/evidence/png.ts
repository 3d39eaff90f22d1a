import { crc32 } from 'node:zlib';
import type { Dimensions } from '../../domain/evidence/structure';
import { defect, fourcc, view, type Walked } from './walk';

/** PNG: IHDR first (13 bytes), chunks inside the file, critical chunks' CRC right, IDAT, then IEND. */
export const walkPng = (b: Uint8Array, declared: Dimensions[]): Walked => {
  const v = view(b);
  let pos = 8;
  let size: Dimensions | undefined;
  let data = false;
  while (pos + 12 <= b.length) {
    const len = v.getUint32(pos);
    const type = fourcc(b, pos + 4);
    const end = pos + 12 + len;
    if (end > b.length) return defect(`PNG chunk ${type} runs past the end`);
    // Decoders fail on a bad CRC in a critical chunk (upper-case first letter) and skip ancillary ones.
    if ((b[pos + 4]! & 0x20) === 0 && crc32(b.subarray(pos + 4, pos + 8 + len)) !== v.getUint32(pos + 8 + len))
      return defect(`PNG chunk ${type} fails its CRC`);
    if (size === undefined) {
      if (type !== 'IHDR' || len !== 13) return defect('PNG does not start with IHDR');
      size = { width: v.getUint32(pos + 8), height: v.getUint32(pos + 12) };
      declared.push(size);
    }
    if (type === 'IDAT') data = true;
    if (type === 'IEND') return data ? { size } : defect('PNG has no IDAT');
    pos = end;
  }
  return defect('PNG ends without IEND');
};
