import { ALLOWED_EVIDENCE_TYPES } from '../../../src/domain/evidence/limits';
import { sniffContentType } from '../../../src/infra/evidence/sniff';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffContentType (D3: by content, not by name)', () => {
  it.each([
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['image/png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])],
    ['image/webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['video/mp4', bytes([0, 0, 0, 0x18], 'ftypmp42')],
    ['video/webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f])],
  ])('%s', (type, b) => expect(sniffContentType(b)).toBe(type));
  it('a PNG named photo.jpg is a PNG', () => {
    const upload = { name: 'photo.jpg', bytes: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR') };
    expect(sniffContentType(upload.bytes)).toBe('image/png');
  });
  it('a script is rejected (null), whatever its name', () => expect(sniffContentType(bytes('#!/bin/sh\nrm -rf /'))).toBeNull());
  it('RIFF without WEBP (a WAV) and short inputs are rejected', () => {
    expect(sniffContentType(bytes('RIFF', [1, 2, 3, 4], 'WAVE'))).toBeNull();
    expect(sniffContentType(bytes([0xff, 0xd8]))).toBeNull();
  });
});

describe('the sniffer knows exactly the types D3 allows', () => {
  const samples = [
    bytes([0xff, 0xd8, 0xff]),
    bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    bytes('RIFF', [0, 0, 0, 0], 'WEBP'),
    bytes([0, 0, 0, 0], 'ftyp'),
    bytes([0x1a, 0x45, 0xdf, 0xa3]),
  ];
  it('one signature per allowed type', () => expect(samples.map(sniffContentType).sort()).toEqual([...ALLOWED_EVIDENCE_TYPES].sort()));
});
