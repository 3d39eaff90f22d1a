import { DomainError } from '@bp/contracts';
import type { PolicySnapshot } from '@bp/timers';

/**
 * D3: the structure of an evidence file, judged after its type was sniffed and its size accepted.
 * Sniffing reads only the first bytes, so a truncated or forged file with the right magic would be
 * stored and later break (or exhaust) whoever decodes it. A format parser (infra/evidence) walks the
 * container and reports what it read; this file holds the rules on that report and refuses:
 * - a truncated or inconsistent file: EVIDENCE_CORRUPT;
 * - an image whose header declares more pixels than the policy allows (a pixel or decompression
 *   bomb: a few KB that inflate to gigabytes): EVIDENCE_IMAGE_TOO_LARGE. The limits are ours, DOMAIN.md
 *   is silent on dimensions (see the policy).
 * Pure: a parser's report in, verdict out.
 */
export type InspectLimits = Pick<PolicySnapshot['dispute'], 'maxImageSide' | 'maxImagePixels'>;

export interface Dimensions {
  width: number;
  height: number;
}

/** What a format parser read from a file: the input of the D3 structure rules. */
export interface EvidenceStructure {
  /** The image's size as its format states it (absent for video). */
  size?: Dimensions;
  /**
   * Every size the file declares (image, canvas, each frame), in file order, up to where the walk
   * stopped: a bomb is refused even when the file is also broken further on.
   */
  declared: readonly Dimensions[];
  /** Why the structure does not hold (truncated, inconsistent, no parser for the type); absent when it holds. */
  defect?: string;
}

export type InspectVerdict =
  | { ok: true; width?: number; height?: number }
  | { ok: false; code: 'EVIDENCE_CORRUPT'; reason: string }
  | { ok: false; code: 'EVIDENCE_IMAGE_TOO_LARGE'; width: number; height: number };

type Bad = Exclude<InspectVerdict, { ok: true }>;

const corrupt = (reason: string): Bad => ({ ok: false, code: 'EVIDENCE_CORRUPT', reason });

/** A refusal when a declared size is over the limits (or empty), else null. */
const overLimits = ({ width, height }: Dimensions, l: InspectLimits): Bad | null => {
  if (width <= 0 || height <= 0) return corrupt(`image declares ${width}x${height}`);
  if (width > l.maxImageSide || height > l.maxImageSide || width * height > l.maxImagePixels)
    return { ok: false, code: 'EVIDENCE_IMAGE_TOO_LARGE', width, height };
  return null;
};

/** D3: the verdict on one parsed file; the first declared size that fails wins, as a decoder would meet it first. */
export const judgeEvidenceStructure = (s: EvidenceStructure, limits: InspectLimits): InspectVerdict => {
  for (const d of s.declared) {
    const refused = overLimits(d, limits);
    if (refused) return refused;
  }
  return s.defect === undefined ? { ok: true, ...s.size } : corrupt(s.defect);
};

export const assertEvidenceIntact = (s: EvidenceStructure, limits: InspectLimits): void => {
  const verdict = judgeEvidenceStructure(s, limits);
  if (verdict.ok) return;
  if (verdict.code === 'EVIDENCE_CORRUPT') throw new DomainError(verdict.code, `evidence refused: ${verdict.reason}`, 'unprocessable');
  throw new DomainError(verdict.code, `evidence refused: ${verdict.width}x${verdict.height} px is over the image limits`, 'unprocessable', {
    width: verdict.width,
    height: verdict.height,
  });
};
