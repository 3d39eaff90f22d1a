import type { Dimensions } from '../../domain/evidence/structure';
import { defect, view, type Walked } from './walk';

const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** After a scan header: the entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or RSTn. */
const skipScan = (b: Uint8Array, from: number): number => {
  let pos = b.indexOf(0xff, from);
  while (pos !== -1 && pos + 1 < b.length) {
    const next = b[pos + 1]!;
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return pos;
    pos = b.indexOf(0xff, pos + 1);
  }
  return b.length;
};

/** JPEG: segments (lengths inside the file), a frame (SOFn) and a scan (SOS), then EOI. */
export const walkJpeg = (b: Uint8Array, declared: Dimensions[]): Walked => {
  const v = view(b);
  if (b[0] !== 0xff || b[1] !== 0xd8) return defect('JPEG does not start with SOI');
  let pos = 2;
  let size: Dimensions | undefined;
  let scanned = false;
  for (;;) {
    if (b[pos] !== 0xff) return pos >= b.length ? defect('JPEG ends without EOI') : defect('JPEG marker expected');
    while (b[pos] === 0xff) pos++; // fill bytes
    if (pos >= b.length) return defect('JPEG ends without EOI');
    const marker = b[pos++]!;
    if (marker === 0xd9) return size && scanned ? { size } : defect('JPEG without a frame or a scan');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
    if (marker === 0x00 || marker === 0xd8) return defect('JPEG marker out of place');
    if (pos + 2 > b.length) return defect('JPEG ends without EOI');
    const len = v.getUint16(pos);
    if (len < 2 || pos + len > b.length) return defect(`JPEG segment 0xFF${marker.toString(16).toUpperCase()} runs past the end`);
    if (isSof(marker)) {
      if (len < 8) return defect('JPEG frame header too short');
      size = { width: v.getUint16(pos + 5), height: v.getUint16(pos + 3) };
      declared.push(size);
    }
    pos += len;
    if (marker === 0xda) {
      if (!size) return defect('JPEG scan before its frame');
      scanned = true;
      pos = skipScan(b, pos);
    }
  }
};
