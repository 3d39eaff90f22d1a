// Small, structurally valid evidence files built byte by byte (no image tools needed), their broken
// variants, and archive bombs: for the D3 structure checks (src/infra/evidence) and the upload tests.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import { crc32, createDeflateRaw, createGzip, deflateSync } from 'node:zlib';

const u32be = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u16be = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export const pngChunk = (type: string, data: Buffer): Buffer => {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
};

/**
 * A grayscale 8-bit PNG. `size` pads it (a private ancillary chunk of random bytes, so two files
 * differ) to exactly that many bytes; `idat` replaces the pixel data (e.g. a tiny stream under a huge
 * declared size, or a real decompression bomb).
 */
export const png = (o: { width?: number; height?: number; size?: number; idat?: Buffer } = {}): Buffer => {
  const width = o.width ?? 1;
  const height = o.height ?? 1;
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 0, 0, 0, 0])]);
  const idat = o.idat ?? deflateSync(Buffer.alloc((width + 1) * height));
  const head = Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr)]);
  const tail = Buffer.concat([pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
  const fixed = head.length + tail.length;
  if (o.size === undefined) return Buffer.concat([head, tail]);
  if (o.size < fixed + 12) throw new Error(`a PNG is at least ${fixed + 12} bytes here`);
  return Buffer.concat([head, pngChunk('prVt', randomBytes(o.size - fixed - 12)), tail]);
};

/** A valid zlib stream of nothing: pixel data for a PNG whose declared size is all a test needs. */
export const TINY_IDAT = deflateSync(Buffer.alloc(0));

/**
 * A real decompression bomb: a PNG of width x height black pixels whose IDAT is the actual deflate
 * of every row (about 1,000:1), e.g. 8,000 x 8,000 = 64 MB of pixels in ~64 KB.
 */
export const pngBomb = (width: number, height: number): Buffer => png({ width, height, idat: deflateSync(Buffer.alloc((width + 1) * height), { level: 9 }) });

const segment = (marker: number, data: Buffer): Buffer => Buffer.concat([Buffer.from([0xff, marker]), u16be(data.length + 2), data]);

/**
 * A baseline grayscale JPEG (8x8 blocks of one gray, decodable): one Huffman code for DC category 0
 * and one for EOB, so each block is the bits `00`. `size` pads with COM segments.
 */
export const jpeg = (o: { width?: number; height?: number; size?: number } = {}): Buffer => {
  const width = o.width ?? 1;
  const height = o.height ?? 1;
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const counts = (n: number) => Buffer.from([n, ...Array<number>(15).fill(0)]); // n codes of length 1
  const parts = [
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from([...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0])),
    segment(0xdb, Buffer.from([0, ...Array<number>(64).fill(1)])),
    segment(0xc0, Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([1, 1, 0x11, 0])])),
    segment(0xc4, Buffer.concat([Buffer.from([0x00]), counts(1), Buffer.from([0])])), // DC: category 0
    segment(0xc4, Buffer.concat([Buffer.from([0x10]), counts(1), Buffer.from([0])])), // AC: EOB
    segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])),
    // Two 0 bits per block, the last byte padded with 1s (never a whole 0xFF, which would need stuffing).
    Buffer.alloc(Math.ceil(blocks / 4)),
    Buffer.from([0xff, 0xd9]),
  ];
  const scan = parts[parts.length - 2]!;
  if (blocks % 4 !== 0) scan[scan.length - 1] = 0xff >> ((blocks % 4) * 2);
  const base = Buffer.concat(parts);
  if (o.size === undefined) return base;
  const pads: Buffer[] = [];
  for (let missing = o.size - base.length; missing > 0; ) {
    const n = Math.min(missing, 65_535 + 2);
    if (n < 4) throw new Error('cannot pad a JPEG by fewer than 4 bytes');
    const take = missing - n > 0 && missing - n < 4 ? n - 4 : n;
    pads.push(segment(0xfe, randomBytes(take - 4)));
    missing -= take;
  }
  return Buffer.concat([base.subarray(0, 2), ...pads, base.subarray(2)]);
};

/** A 1x1 JPEG whose frame header (SOF0) declares width x height instead. */
export const jpegDeclaring = (width: number, height: number): Buffer => {
  const b = jpeg();
  const sof = b.indexOf(Buffer.from([0xff, 0xc0]));
  b.writeUInt16BE(height, sof + 5);
  b.writeUInt16BE(width, sof + 7);
  return b;
};

/** The classic 1x1 GIF89a (two-colour table, one LZW-coded pixel, trailer). */
export const gif = (): Buffer => Buffer.from('R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=', 'base64');
/** A GIF whose logical screen and only frame declare width x height. */
export const gifSized = (width: number, height: number): Buffer => {
  const b = gif();
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  b.writeUInt16LE(width, 13 + 6 + 5);
  b.writeUInt16LE(height, 13 + 6 + 7);
  return b;
};

/** 1x1 WebPs (lossless VP8L and lossy VP8), as browsers' feature probes use them. */
export const webpLossless = (): Buffer => Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
export const webpLossy = (): Buffer => Buffer.from('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA', 'base64');

const riffChunk = (id: string, data: Buffer): Buffer => {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(data.length);
  return Buffer.concat([Buffer.from(id, 'latin1'), len, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
};
export const riff = (chunks: Buffer[]): Buffer => {
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...chunks]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, body]);
};
/** An extended WebP: a VP8X canvas of width x height holding the 1x1 lossless image. */
export const webpExtended = (width: number, height: number): Buffer => {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  return riff([riffChunk('VP8X', vp8x), webpLossless().subarray(12)]);
};

const box = (type: string, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([u32be(body.length + 8), Buffer.from(type, 'latin1'), body]);
};

/** An MP4 (ftyp, a moov with its mvhd, an mdat of random bytes) of exactly `size` bytes. */
export const mp4 = (size = 4096): Buffer => {
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].forEach((m, i) => mvhd.writeUInt32BE(m, 36 + 4 * i)); // identity matrix
  mvhd.writeUInt32BE(1, 96); // next track id
  const head = Buffer.concat([box('ftyp', Buffer.from('isom', 'latin1'), u32be(0x200), Buffer.from('isommp42', 'latin1')), box('moov', box('mvhd', mvhd))]);
  if (size < head.length + 8) throw new Error(`an MP4 is at least ${head.length + 8} bytes here`);
  return Buffer.concat([head, box('mdat', randomBytes(size - head.length - 8))]);
};

/** A WebM: the EBML header (DocType webm), then a Segment of unknown size (as recorders write it). */
export const webm = (): Buffer => {
  const ebml = Buffer.from([0x42, 0x82, 0x84, ...Buffer.from('webm', 'latin1')]);
  return Buffer.concat([
    Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | ebml.length]),
    ebml,
    Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    randomBytes(64),
  ]);
};

/** The first `keep` bytes (a download or upload cut short). */
export const cut = (b: Buffer, keep: number): Buffer => Buffer.from(b.subarray(0, keep));

/** Feeds `total` zero bytes through a deflate stream in 1 MiB writes (no huge buffer), returning the output. */
const deflateZeros = async (stream: Transform, total: number): Promise<Buffer> => {
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const chunk = Buffer.alloc(1024 * 1024);
  for (let left = total; left > 0; left -= chunk.length) {
    if (!stream.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'end');
  return Buffer.concat(out);
};

/** A gzip bomb: `total` zero bytes (default 256 MiB) gzipped to ~1/1000 of that. */
export const gzipBomb = (total = 256 * 1024 * 1024): Promise<Buffer> => deflateZeros(createGzip({ level: 9 }), total);

/**
 * A zip bomb: one entry `zeros.bin` of `total` zero bytes (default 256 MiB), really deflated, in a
 * minimal zip (local header, data, central directory, end record) as any unzip tool reads it.
 */
export const zipBomb = async (total = 256 * 1024 * 1024): Promise<Buffer> => {
  const data = await deflateZeros(createDeflateRaw({ level: 9 }), total);
  let crc = 0;
  const chunk = Buffer.alloc(1024 * 1024);
  for (let left = total; left > 0; left -= chunk.length) crc = crc32(left >= chunk.length ? chunk : chunk.subarray(0, left), crc);
  const name = Buffer.from('zeros.bin', 'latin1');
  const le = (bytes: number, n: number) => {
    const b = Buffer.alloc(bytes);
    b.writeUIntLE(n, 0, bytes);
    return b;
  };
  // version 20, no flags, method 8 (deflate), time/date 0, crc, sizes, name length, no extra field.
  const common = Buffer.concat([le(2, 20), le(2, 0), le(2, 8), le(2, 0), le(2, 0), le(4, crc), le(4, data.length), le(4, total), le(2, name.length), le(2, 0)]);
  const local = Buffer.concat([le(4, 0x04034b50), common, name, data]);
  const central = Buffer.concat([le(4, 0x02014b50), le(2, 20), common, le(2, 0), le(2, 0), le(2, 0), le(4, 0), le(4, 0), name]);
  const end = Buffer.concat([le(4, 0x06054b50), le(2, 0), le(2, 0), le(2, 1), le(2, 1), le(4, central.length), le(4, local.length), le(2, 0)]);
  return Buffer.concat([local, central, end]);
};

/** Not images at all, whatever they are called. */
export const elf = (): Buffer => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
export const exe = (): Buffer => Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64)]);
export const text = (): Buffer => Buffer.from('Dear seller, the lamp arrived broken. Regards\n'.repeat(8));
