import { DomainError } from '@bp/contracts';
import type { PolicySnapshot } from '@bp/timers';
import type { EvidenceRef } from '../thread/thread';

/**
 * D3: the content types evidence may have, checked on the type sniffed from the bytes (never the
 * name or the declared type; infra/evidence/sniff.ts knows exactly these).
 */
export const ALLOWED_EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'video/mp4', 'video/webm'] as const;
export type EvidenceContentType = (typeof ALLOWED_EVIDENCE_TYPES)[number];

export const isImage = (contentType: string): boolean => contentType.startsWith('image/');
export const isVideo = (contentType: string): boolean => contentType.startsWith('video/');

export type EvidenceLimits = Pick<PolicySnapshot['dispute'], 'maxImagesPerSubmission' | 'maxImageBytes' | 'maxVideoBytes'>;

export type EvidenceVerdict =
  | { ok: true }
  | { ok: false; code: 'EVIDENCE_TYPE_NOT_ALLOWED' | 'EVIDENCE_TOO_MANY_IMAGES' | 'EVIDENCE_TOO_LARGE'; evidenceId?: string };

type Item = Pick<EvidenceRef, 'contentType' | 'size'> & { evidenceId?: string };

const checkOne = (item: Item, limits: EvidenceLimits): EvidenceVerdict => {
  const id = item.evidenceId === undefined ? {} : { evidenceId: item.evidenceId };
  if (!(ALLOWED_EVIDENCE_TYPES as readonly string[]).includes(item.contentType)) return { ok: false, code: 'EVIDENCE_TYPE_NOT_ALLOWED', ...id };
  const max = isImage(item.contentType) ? limits.maxImageBytes : limits.maxVideoBytes;
  return item.size > max ? { ok: false, code: 'EVIDENCE_TOO_LARGE', ...id } : { ok: true };
};

/** D3: more than N images in one submission (the upload stops reading as soon as this holds). */
export const tooManyImages = (items: readonly Pick<Item, 'contentType'>[], limits: Pick<EvidenceLimits, 'maxImagesPerSubmission'>): boolean =>
  items.filter((i) => isImage(i.contentType)).length > limits.maxImagesPerSubmission;

/** D3: allowed types; at most N images per submission, each at most maxImageBytes; video at most maxVideoBytes. */
export const checkEvidenceLimits = (items: readonly Item[], limits: EvidenceLimits): EvidenceVerdict => {
  for (const item of items) {
    const verdict = checkOne(item, limits);
    if (!verdict.ok) return verdict;
  }
  return tooManyImages(items, limits) ? { ok: false, code: 'EVIDENCE_TOO_MANY_IMAGES' } : { ok: true };
};

const KIND = { EVIDENCE_TYPE_NOT_ALLOWED: 'unsupported_media', EVIDENCE_TOO_LARGE: 'too_large', EVIDENCE_TOO_MANY_IMAGES: 'unprocessable' } as const;

export const assertEvidenceLimits = (items: readonly Item[], limits: EvidenceLimits): void => {
  const verdict = checkEvidenceLimits(items, limits);
  if (!verdict.ok)
    throw new DomainError(
      verdict.code,
      `evidence refused: ${verdict.code}`,
      KIND[verdict.code],
      verdict.evidenceId ? { evidenceId: verdict.evidenceId } : undefined,
    );
};

export const hasImage = (items: readonly Pick<EvidenceRef, 'contentType'>[]): boolean => items.some((i) => isImage(i.contentType));
export const hasVideo = (items: readonly Pick<EvidenceRef, 'contentType'>[]): boolean => items.some((i) => isVideo(i.contentType));
