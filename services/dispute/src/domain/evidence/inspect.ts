import { DomainError } from '@bp/contracts';
import type { PolicySnapshot } from '@bp/timers';

/**
 * D3: the structure of an evidence file, checked after its type was sniffed and its size accepted.
 * Sniffing reads only the first bytes, so a truncated or forged file with the right magic would be
 * stored and later break (or exhaust) whoever decodes it. This walks the container (headers and
 * chunk/segment/box lengths, never the compressed pixels) and refuses:
 * - a truncated or inconsistent file: EVIDENCE_CORRUPT;
 * - an image whose header declares more pixels than the policy allows (a pixel or decompression
 *   bomb: a few KB that inflate to gigabytes): EVIDENCE_IMAGE_TOO_LARGE. The limits are ours, DOMAIN.md
 *   is silent on dimensions (see the policy).
 * Pure: bytes in, verdict out.
 */
export type InspectLimits = Pick<PolicySnapshot['dispute'], 'maxImageSide' | 'maxImagePixels'>;

export type InspectVerdict =
  | { ok: true; width?: number; height?: number }
  | { ok: false; code: 'EVIDENCE_CORRUPT'; reason: string }
  | { ok: false; code: 'EVIDENCE_IMAGE_TOO_LARGE'; width: number; height: number };

type Bad = Exclude<InspectVerdict, { ok: true }>;

const corrupt = (reason: string): Bad => ({ ok: false, code: 'EVIDENCE_CORRUPT', reason });
const fourcc = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4));
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A refusal when the declared size is over the limits (or empty), else null. */
const overLimits = (width: number, height: number, l: InspectLimits): Bad | null => {
  if (width <= 0 || height <= 0) return corrupt(`image declares ${width}x${height}`);
  if (width > l.maxImageSide || height > l.maxImageSide || width * height > l.maxImagePixels) return { ok: false, code: 'EVIDENCE_IMAGE_TOO_LARGE', width, height };
  return null;
};

// CRC-32 (ISO 3309, as PNG uses), computed here to keep the domain free of node modules.
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Uint8Array, from: number, to: number): number => {
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** PNG: IHDR first (13 bytes), chunks inside the file, critical chunks' CRC right, IDAT, then IEND. */
const png = (b: Uint8Array, l: InspectLimits): InspectVerdict => {
  const v = view(b);
  let pos = 8;
  let size: { width: number; height: number } | undefined;
  let data = false;
  while (pos + 12 <= b.length) {
    const len = v.getUint32(pos);
    const type = fourcc(b, pos + 4);
    const end = pos + 12 + len;
    if (end > b.length) return corrupt(`PNG chunk ${type} runs past the end`);
    // Decoders fail on a bad CRC in a critical chunk (upper-case first letter) and skip ancillary ones.
    if ((b[pos + 4]! & 0x20) === 0 && crc32(b, pos + 4, pos + 8 + len) !== v.getUint32(pos + 8 + len)) return corrupt(`PNG chunk ${type} fails its CRC`);
    if (size === undefined) {
      if (type !== 'IHDR' || len !== 13) return corrupt('PNG does not start with IHDR');
      size = { width: v.getUint32(pos + 8), height: v.getUint32(pos + 12) };
      const refused = overLimits(size.width, size.height, l);
      if (refused) return refused;
    }
    if (type === 'IDAT') data = true;
    if (type === 'IEND') return data ? { ok: true, ...size } : corrupt('PNG has no IDAT');
    pos = end;
  }
  return corrupt('PNG ends without IEND');
};

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
const jpeg = (b: Uint8Array, l: InspectLimits): InspectVerdict => {
  const v = view(b);
  if (b[0] !== 0xff || b[1] !== 0xd8) return corrupt('JPEG does not start with SOI');
  let pos = 2;
  let size: { width: number; height: number } | undefined;
  let scanned = false;
  for (;;) {
    if (b[pos] !== 0xff) return pos >= b.length ? corrupt('JPEG ends without EOI') : corrupt('JPEG marker expected');
    while (b[pos] === 0xff) pos++; // fill bytes
    if (pos >= b.length) return corrupt('JPEG ends without EOI');
    const marker = b[pos++]!;
    if (marker === 0xd9) return size && scanned ? { ok: true, ...size } : corrupt('JPEG without a frame or a scan');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
    if (marker === 0x00 || marker === 0xd8) return corrupt('JPEG marker out of place');
    if (pos + 2 > b.length) return corrupt('JPEG ends without EOI');
    const len = v.getUint16(pos);
    if (len < 2 || pos + len > b.length) return corrupt(`JPEG segment 0xFF${marker.toString(16).toUpperCase()} runs past the end`);
    if (isSof(marker)) {
      if (len < 8) return corrupt('JPEG frame header too short');
      size = { width: v.getUint16(pos + 5), height: v.getUint16(pos + 3) };
      const refused = overLimits(size.width, size.height, l);
      if (refused) return refused;
    }
    pos += len;
    if (marker === 0xda) {
      if (!size) return corrupt('JPEG scan before its frame');
      scanned = true;
      pos = skipScan(b, pos);
    }
  }
};

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

/** GIF: logical screen, then extensions and image descriptors (each frame within the limits), then the trailer. */
const gif = (b: Uint8Array, l: InspectLimits): InspectVerdict => {
  const v = view(b);
  if (b.length < 13) return corrupt('GIF header truncated');
  const width = v.getUint16(6, true);
  const height = v.getUint16(8, true);
  // A zero logical screen is tolerated (viewers use the frame's size); each frame is checked below.
  if (width > 0 && height > 0) {
    const refused = overLimits(width, height, l);
    if (refused) return refused;
  }
  let pos = 13 + colorTable(b[10]!);
  let frames = 0;
  for (;;) {
    if (pos >= b.length) return corrupt('GIF ends without its trailer');
    const block = b[pos++]!;
    if (block === 0x3b) return frames > 0 ? { ok: true, width, height } : corrupt('GIF without an image');
    if (block === 0x21) pos = skipSubBlocks(b, pos + 1);
    else if (block === 0x2c) {
      if (pos + 9 > b.length) return corrupt('GIF image descriptor truncated');
      const refused = overLimits(v.getUint16(pos + 4, true), v.getUint16(pos + 6, true), l);
      if (refused) return refused;
      pos = skipSubBlocks(b, pos + 9 + colorTable(b[pos + 8]!) + 1); // + LZW minimum code size
      frames++;
    } else return corrupt(`GIF block 0x${block.toString(16)} unknown`);
    if (pos < 0) return corrupt('GIF data runs past the end');
  }
};

const u24 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);

/** The canvas or frame size a WebP chunk declares, or a refusal. */
const webpChunkSize = (b: Uint8Array, id: string, at: number, len: number): { width: number; height: number } | Bad | null => {
  const v = view(b);
  switch (id) {
    case 'VP8 ': // key frame tag (bit 0 clear), start code 9d 01 2a, 14-bit sizes
      if (len < 10 || (b[at]! & 1) !== 0 || b[at + 3] !== 0x9d || b[at + 4] !== 0x01 || b[at + 5] !== 0x2a) return corrupt('WebP VP8 header invalid');
      return { width: v.getUint16(at + 6, true) & 0x3fff, height: v.getUint16(at + 8, true) & 0x3fff };
    case 'VP8L': {
      if (len < 5 || b[at] !== 0x2f) return corrupt('WebP VP8L header invalid');
      const bits = v.getUint32(at + 1, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X':
      if (len < 10) return corrupt('WebP VP8X header invalid');
      return { width: u24(b, at + 4) + 1, height: u24(b, at + 7) + 1 };
    case 'ANMF':
      if (len < 16) return corrupt('WebP ANMF header invalid');
      return { width: u24(b, at + 6) + 1, height: u24(b, at + 9) + 1 };
    default:
      return null;
  }
};

/** WebP: RIFF size equal to the file, chunks inside it, VP8/VP8L/VP8X first, every declared size within the limits. */
const webp = (b: Uint8Array, l: InspectLimits): InspectVerdict => {
  const v = view(b);
  if (b.length < 12 || v.getUint32(4, true) + 8 !== b.length) return corrupt('WebP RIFF size does not match the file');
  let pos = 12;
  let canvas: { width: number; height: number } | undefined;
  let image = false;
  while (pos < b.length) {
    if (pos + 8 > b.length) return corrupt('WebP chunk header truncated');
    const id = fourcc(b, pos);
    const len = v.getUint32(pos + 4, true);
    const at = pos + 8;
    if (at + len + (len & 1) > b.length) return corrupt(`WebP chunk ${id.trim()} runs past the end`);
    const declared = webpChunkSize(b, id, at, len);
    if (declared !== null && 'ok' in declared) return declared;
    if (declared === null && canvas === undefined) return corrupt('WebP does not start with VP8, VP8L or VP8X');
    if (declared !== null) {
      const refused = overLimits(declared.width, declared.height, l);
      if (refused) return refused;
      canvas ??= declared;
    }
    if (id === 'VP8 ' || id === 'VP8L' || id === 'ANMF') image = true;
    pos = at + len + (len & 1); // chunks are padded to an even length
  }
  return image ? { ok: true, ...canvas } : corrupt('WebP without image data');
};

/** ISO-BMFF boxes nested in the ones the walk enters (enough to reach the sample tables). */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf', 'mfra', 'udta']);

/** Box types at one level, each box inside its parent; a refusal reason otherwise. */
const walkBoxes = (b: Uint8Array, from: number, to: number, depth: number): string[] | string => {
  const v = view(b);
  const types: string[] = [];
  let pos = from;
  while (pos < to) {
    if (pos + 8 > to) return 'MP4 box header truncated';
    let size = v.getUint32(pos);
    const type = fourcc(b, pos + 4);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > to) return 'MP4 box header truncated';
      size = Number(v.getBigUint64(pos + 8));
      header = 16;
    } else if (size === 0) size = to - pos; // "to the end of the file"
    if (size < header || pos + size > to) return `MP4 box ${type} runs past the end`;
    if (CONTAINERS.has(type) && depth < 8) {
      const inner = walkBoxes(b, pos + header, pos + size, depth + 1);
      if (typeof inner === 'string') return inner;
    }
    types.push(type);
    pos += size;
  }
  return types;
};

/** MP4: ftyp first, every box (and the containers' children) inside its parent, a moov present. */
const mp4 = (b: Uint8Array): InspectVerdict => {
  const boxes = walkBoxes(b, 0, b.length, 0);
  if (typeof boxes === 'string') return corrupt(boxes);
  if (boxes[0] !== 'ftyp') return corrupt('MP4 does not start with ftyp');
  return boxes.includes('moov') ? { ok: true } : corrupt('MP4 without moov');
};

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

/** WebM (EBML): top-level elements inside the file, the header then a Segment (an unknown size runs to the end). */
const webm = (b: Uint8Array): InspectVerdict => {
  let pos = 0;
  const ids: number[] = [];
  while (pos < b.length) {
    const id = vint(b, pos, true);
    const size = id && vint(b, pos + id.len, false);
    if (!id || !size) return corrupt('WebM element header truncated');
    ids.push(id.value);
    // A live-recorded Segment may declare an unknown size: it runs to the end of the file.
    if (size.unknown) break;
    pos += id.len + size.len + size.value;
    if (pos > b.length) return corrupt('WebM element runs past the end');
  }
  if (ids[0] !== EBML_HEADER) return corrupt('WebM does not start with an EBML header');
  return ids.includes(SEGMENT) ? { ok: true } : corrupt('WebM without a Segment');
};

// GIF is parsed too although D3 does not allow it (limits.ts refuses it first): the check is per format.
const PARSERS: Readonly<Record<string, (b: Uint8Array, l: InspectLimits) => InspectVerdict>> = {
  'image/png': png,
  'image/jpeg': jpeg,
  'image/gif': gif,
  'image/webp': webp,
  'video/mp4': mp4,
  'video/webm': webm,
};

/** D3: the verdict on one file of the (sniffed) content type; a type without a parser is refused. */
export const inspectEvidence = (bytes: Uint8Array, contentType: string, limits: InspectLimits): InspectVerdict => {
  const parse = PARSERS[contentType];
  if (!parse) return corrupt(`no structure check for ${contentType}`);
  try {
    return parse(bytes, limits);
  } catch (e) {
    // A read past the end that a length check above missed is still a truncated file, not a 500.
    if (e instanceof RangeError) return corrupt('file truncated');
    throw e;
  }
};

export const assertEvidenceIntact = (bytes: Uint8Array, contentType: string, limits: InspectLimits): void => {
  const verdict = inspectEvidence(bytes, contentType, limits);
  if (verdict.ok) return;
  if (verdict.code === 'EVIDENCE_CORRUPT') throw new DomainError(verdict.code, `evidence refused: ${verdict.reason}`, 'unprocessable');
  throw new DomainError(verdict.code, `evidence refused: ${verdict.width}x${verdict.height} px is over the image limits`, 'unprocessable', { width: verdict.width, height: verdict.height });
};
