import type { Dimensions, EvidenceStructure } from '../../domain/evidence/structure';
import { walkGif } from './gif';
import { walkJpeg } from './jpeg';
import { walkMp4 } from './mp4';
import { walkPng } from './png';
import type { FormatWalker } from './walk';
import { walkWebm } from './webm';
import { walkWebp } from './webp';

const WALKERS: Readonly<Record<string, FormatWalker>> = {
  'image/png': walkPng,
  'image/jpeg': walkJpeg,
  'image/gif': walkGif,
  'image/webp': walkWebp,
  'video/mp4': walkMp4,
  'video/webm': walkWebm,
};

/**
 * D3: what one file of the (sniffed) content type declares and whether its structure holds, for the
 * domain's judgeEvidenceStructure. A type without a walker is a defect, never waved through.
 */
export const parseEvidence = (bytes: Uint8Array, contentType: string): EvidenceStructure => {
  const walk = WALKERS[contentType];
  if (!walk) return { declared: [], defect: `no structure check for ${contentType}` };
  const declared: Dimensions[] = [];
  try {
    return { declared, ...walk(bytes, declared) };
  } catch (e) {
    // A read past the end that a length check missed is still a truncated file, not a 500.
    if (e instanceof RangeError) return { declared, defect: 'file truncated' };
    throw e;
  }
};
