import type { EvidenceContentType } from '../../domain/evidence/limits';

/**
 * D3: the content type of an upload is decided by its bytes, never by its name or declared type.
 * Returns null for anything that is not an allowed image or video (scripts, PDFs, archives...).
 */
const startsWith = (bytes: Uint8Array, sig: readonly number[], at = 0): boolean => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const SIGNATURES: readonly { type: EvidenceContentType; test: (b: Uint8Array) => boolean }[] = [
  { type: 'image/jpeg', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { type: 'image/png', test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/webp', test: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  { type: 'video/mp4', test: (b) => startsWith(b, ascii('ftyp'), 4) },
  { type: 'video/webm', test: (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]) },
];

/** Enough bytes for every signature above (webp needs 12). */
export const SNIFF_BYTES = 16;

export const sniffContentType = (bytes: Uint8Array): EvidenceContentType | null => SIGNATURES.find((s) => s.test(bytes))?.type ?? null;
