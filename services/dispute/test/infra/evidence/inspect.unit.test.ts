import { defaultPolicy } from '@bp/timers';
import { judgeEvidenceStructure, type InspectLimits, type InspectVerdict } from '../../../src/domain';
import { parseEvidence } from '../../../src/infra/evidence/parse';
import { sniffContentType } from '../../../src/infra/evidence/sniff';
import {
  cut,
  elf,
  exe,
  gif,
  gifSized,
  gzipBomb,
  jpeg,
  jpegDeclaring,
  mp4,
  png,
  pngBomb,
  pngChunk,
  PNG_SIGNATURE,
  riff,
  text,
  TINY_IDAT,
  webm,
  webpExtended,
  webpLossless,
  webpLossy,
  zipBomb,
} from '../../support/images';

// D3 structure checks from the bytes: the format walkers (src/infra/evidence) report, the domain's
// judgeEvidenceStructure decides, chained as app/evidence.ts chains them.
const limits = defaultPolicy.dispute;
const inspectEvidence = (b: Uint8Array, type: string, l: InspectLimits = limits): InspectVerdict => judgeEvidenceStructure(parseEvidence(b, type), l);
const inspect = (b: Buffer, type = sniffContentType(b) ?? 'application/octet-stream'): InspectVerdict => inspectEvidence(b, type);
const CORRUPT = { ok: false, code: 'EVIDENCE_CORRUPT' };
const TOO_LARGE = { ok: false, code: 'EVIDENCE_IMAGE_TOO_LARGE' };

describe('D3: evidence structure, valid files pass', () => {
  it.each([
    ['PNG 1x1', png(), 'image/png', 1, 1],
    ['PNG 640x480 padded to 2 MB', png({ width: 640, height: 480, size: 2 * 1024 * 1024 }), 'image/png', 640, 480],
    ['JPEG 1x1', jpeg(), 'image/jpeg', 1, 1],
    ['JPEG 1000x750 padded to 300 KB', jpeg({ width: 1000, height: 750, size: 300_000 }), 'image/jpeg', 1000, 750],
    ['GIF 1x1', gif(), 'image/gif', 1, 1],
    ['WebP lossless 1x1', webpLossless(), 'image/webp', 1, 1],
    ['WebP lossy 1x1', webpLossy(), 'image/webp', 1, 1],
    ['WebP extended 4000x3000', webpExtended(4000, 3000), 'image/webp', 4000, 3000],
  ])('%s', (_name, bytes, type, width, height) => {
    expect(sniffContentType(bytes) ?? 'image/gif').toBe(type); // the sniffer knows no GIF (D3 refuses it)
    expect(inspectEvidence(bytes, type)).toEqual({ ok: true, width, height });
  });
  it('padding lands on the exact size asked for', () => {
    expect(png({ size: 5000 })).toHaveLength(5000);
    expect(jpeg({ size: 200_003 })).toHaveLength(200_003);
    expect(mp4(3000)).toHaveLength(3000);
  });
  it.each([
    ['MP4', mp4(), 'video/mp4'],
    ['WebM with a Segment of unknown size', webm(), 'video/webm'],
  ])('%s', (_name, bytes, type) => {
    expect(sniffContentType(bytes)).toBe(type);
    expect(inspect(bytes)).toEqual({ ok: true });
  });
  it('limits come from the policy (DOMAIN.md is silent on dimensions)', () => {
    expect(limits).toMatchObject({ maxImageSide: 16_384, maxImagePixels: 40_000_000 });
    expect(inspectEvidence(png({ width: 1000, height: 1000 }), 'image/png', { maxImageSide: 999, maxImagePixels: 10 ** 9 })).toMatchObject(TOO_LARGE);
  });
});

describe('D3: truncated or inconsistent files are EVIDENCE_CORRUPT', () => {
  const p = png({ width: 16, height: 16 });
  const j = jpeg({ width: 64, height: 64 });
  const g = gif();
  it.each([
    ['PNG without IEND', cut(p, p.length - 12), /without IEND/],
    ['PNG cut inside IDAT', cut(p, p.length - 20), /IDAT runs past the end/],
    ['PNG cut inside IHDR', cut(p, 20), /IHDR runs past the end/],
    ['PNG signature only', Buffer.from(PNG_SIGNATURE), /without IEND/],
    [
      'PNG whose first chunk is not IHDR',
      Buffer.concat([PNG_SIGNATURE, pngChunk('IDAT', Buffer.alloc(4)), pngChunk('IEND', Buffer.alloc(0))]),
      /start with IHDR/,
    ],
    ['PNG without IDAT', Buffer.concat([p.subarray(0, 33), pngChunk('IEND', Buffer.alloc(0))]), /no IDAT/],
    ['PNG with a flipped bit in IDAT', Buffer.from(p).fill(0x55, 45, 46), /IDAT fails its CRC/],
    [
      'PNG chunk declaring 4 GB',
      Buffer.concat([p.subarray(0, 33), Buffer.from([0xff, 0xff, 0xff, 0xf0]), Buffer.from('IDAT'), Buffer.alloc(64)]),
      /IDAT runs past the end/,
    ],
    ['JPEG without EOI', cut(j, j.length - 2), /without EOI/],
    ['JPEG cut inside the scan', cut(j, j.length - 10), /without EOI/],
    ['JPEG cut inside a segment', cut(j, 30), /runs past the end/],
    ['JPEG of SOI only', Buffer.from([0xff, 0xd8, 0xff]), /without EOI/],
    ['JPEG without a frame', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), /without a frame/],
    ['GIF without trailer', cut(g, g.length - 1), /without its trailer/],
    ['GIF cut inside the image data', cut(g, g.length - 4), /past the end|without its trailer/],
    ['GIF header only', cut(g, 10), /header truncated/],
    ['GIF without an image', Buffer.concat([g.subarray(0, 19), Buffer.from([0x3b])]), /without an image/],
    ['WebP RIFF size larger than the file', cut(webpLossy(), 30), /RIFF size/],
    ['WebP with bytes after the RIFF', Buffer.concat([webpLossless(), Buffer.alloc(8)]), /RIFF size/],
    ['WebP chunk running past the RIFF', riff([Buffer.from('VP8L\xff\x00\x00\x00/\x00\x00\x00\x10', 'latin1')]), /runs past the end/],
    ['WebP VP8 without its start code', riff([webpLossy().subarray(12)]).fill(0, 23, 24), /VP8 header invalid/],
    ['WebP of an unknown first chunk', riff([Buffer.from('ALPH\x02\x00\x00\x00\x00\x00', 'latin1')]), /does not start with VP8/],
  ])('%s', (_name, bytes, reason) => {
    const verdict = inspect(bytes, sniffContentType(bytes) ?? 'image/gif');
    expect(verdict).toMatchObject(CORRUPT);
    expect(verdict.ok === false && verdict.code === 'EVIDENCE_CORRUPT' && verdict.reason).toMatch(reason);
  });
  it.each([
    ['MP4 cut inside mdat', cut(mp4(4096), 4000), /mdat runs past the end/],
    [
      'MP4 whose moov child runs past the moov',
      (() => {
        const m = mp4(4096);
        m.writeUInt32BE(0xffff, 32); // the mvhd inside the moov at 24
        return m;
      })(),
      /mvhd runs past the end/,
    ],
    ['MP4 without moov', Buffer.concat([mp4(4096).subarray(0, 24), Buffer.from([0, 0, 0, 8]), Buffer.from('free')]), /without moov/],
    ['MP4 with a box shorter than its header', Buffer.concat([mp4(4096).subarray(0, 24), Buffer.from([0, 0, 0, 4]), Buffer.from('free')]), /runs past the end/],
    [
      'MP4 with a 64-bit size past the end',
      Buffer.concat([mp4(4096).subarray(0, 24), Buffer.from([0, 0, 0, 1]), Buffer.from('mdat'), Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])]),
      /mdat runs past the end/,
    ],
    [
      'WebM whose Segment has a size past the end',
      Buffer.concat([webm().subarray(0, 12), Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0, 0, 0, 0, 0x10, 0, 0]), Buffer.alloc(100)]),
      /runs past the end/,
    ],
    ['WebM cut inside the EBML header', cut(webm(), 8), /runs past the end|truncated/],
  ])('%s', (_name, bytes, reason) => {
    const verdict = inspect(bytes);
    expect(verdict).toMatchObject(CORRUPT);
    expect(verdict.ok === false && verdict.code === 'EVIDENCE_CORRUPT' && verdict.reason).toMatch(reason);
  });
  it('a type without a parser is refused, never waved through', () => expect(inspectEvidence(text(), 'text/plain')).toMatchObject(CORRUPT));
  it('a zero-sized image is corrupt', () => expect(inspect(png({ width: 0, height: 5 }))).toMatchObject(CORRUPT));
});

describe('D3: pixel and decompression bombs are EVIDENCE_IMAGE_TOO_LARGE, read from the header alone', () => {
  it('a 100 B PNG declaring 100000x100000 (10 gigapixels)', () => {
    const bomb = png({ width: 100_000, height: 100_000, idat: TINY_IDAT });
    expect(bomb.length).toBeLessThan(100);
    expect(inspect(bomb)).toEqual({ ...TOO_LARGE, width: 100_000, height: 100_000 });
  });
  it('a real PNG decompression bomb: 8000x8000 (64 MB of pixels) in a few KB of deflate', () => {
    const bomb = pngBomb(8000, 8000);
    expect(bomb.length).toBeLessThan(100_000);
    expect(inspect(bomb)).toEqual({ ...TOO_LARGE, width: 8000, height: 8000 });
  });
  it.each([
    ['PNG one pixel too wide (max side)', png({ width: 16_385, height: 1, idat: TINY_IDAT })],
    ['PNG at the side limit but over the pixel count', png({ width: 16_384, height: 2_500, idat: TINY_IDAT })],
    ['JPEG 65535x65535', jpegDeclaring(65_535, 65_535)],
    ['GIF 65535x65535', gifSized(65_535, 65_535)],
    ['WebP extended canvas 2^24 x 2^24', webpExtended(1 << 24, 1 << 24)],
    [
      'WebP lossless 16384x16384',
      (() => {
        const w = webpLossless();
        w.writeUInt32LE(0x1000_0000 | (16_383 << 14) | 16_383, 21);
        return w;
      })(),
    ],
  ])('%s', (_name, bytes) => expect(inspect(bytes, sniffContentType(bytes) ?? 'image/gif')).toMatchObject(TOO_LARGE));
  it('exactly at the limits passes', () => {
    expect(inspect(png({ width: 16_384, height: 2_441, idat: TINY_IDAT }))).toMatchObject({ ok: true });
    expect(inspect(png({ width: 8_000, height: 5_000, idat: TINY_IDAT }))).toMatchObject({ ok: true });
  });
});

describe('D3: archives and executables are the wrong type by content, whatever they are called', () => {
  it('a real zip bomb (256 MiB of zeros deflated) and a gzip bomb are not evidence types', async () => {
    const [zip, gz] = await Promise.all([zipBomb(), gzipBomb()]);
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(zip.length).toBeLessThan(300_000); // ~1,000:1
    expect(gz.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gz.length).toBeLessThan(300_000);
    expect(sniffContentType(zip)).toBeNull();
    expect(sniffContentType(gz)).toBeNull();
  });
  it.each([
    ['ELF', elf()],
    ['Windows EXE', exe()],
    ['text', text()],
  ])('%s', (_name, bytes) => expect(sniffContentType(bytes)).toBeNull());
});

describe("what the walkers report: sizes and defects, no judgement (the limits are the domain's)", () => {
  it('a pixel bomb is reported as declared, without a defect', () =>
    expect(parseEvidence(png({ width: 100_000, height: 100_000, idat: TINY_IDAT }), 'image/png')).toEqual({
      declared: [{ width: 100_000, height: 100_000 }],
      size: { width: 100_000, height: 100_000 },
    }));
  it('every size a GIF declares: the logical screen and each frame', () =>
    expect(parseEvidence(gifSized(300, 200), 'image/gif').declared).toEqual([
      { width: 300, height: 200 },
      { width: 300, height: 200 },
    ]));
  it('a size declared before a defect is kept, so a broken bomb is still refused as a bomb', () => {
    const bomb = png({ width: 100_000, height: 100_000, idat: TINY_IDAT });
    const parsed = parseEvidence(cut(bomb, bomb.length - 12), 'image/png');
    expect(parsed).toEqual({ declared: [{ width: 100_000, height: 100_000 }], defect: 'PNG ends without IEND' });
    expect(judgeEvidenceStructure(parsed, limits)).toMatchObject(TOO_LARGE);
  });
  it('video declares no size', () => {
    expect(parseEvidence(mp4(), 'video/mp4')).toEqual({ declared: [] });
    expect(parseEvidence(webm(), 'video/webm')).toEqual({ declared: [] });
  });
});
