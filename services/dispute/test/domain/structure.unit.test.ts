import { DomainError } from '@bp/contracts';
import { assertEvidenceIntact, judgeEvidenceStructure, type EvidenceStructure } from '../../src/domain';
import { policy } from './fixtures';

// D3: the rules on a parser's report (src/infra/evidence walks the bytes); limits from the policy.
const limits = policy.dispute;
const image = (width: number, height: number, more: Partial<EvidenceStructure> = {}): EvidenceStructure => ({
  size: { width, height },
  declared: [{ width, height }],
  ...more,
});

describe('D3: the structure rules, on what a parser reported', () => {
  it('an image within the limits passes with its size; a video (no size) passes', () => {
    expect(judgeEvidenceStructure(image(640, 480), limits)).toEqual({ ok: true, width: 640, height: 480 });
    expect(judgeEvidenceStructure({ declared: [] }, limits)).toEqual({ ok: true });
  });
  it('exactly at the limits passes; a side or the pixel count one over is EVIDENCE_IMAGE_TOO_LARGE', () => {
    const side = limits.maxImageSide;
    const rows = Math.floor(limits.maxImagePixels / side);
    expect(judgeEvidenceStructure(image(side, rows), limits)).toMatchObject({ ok: true });
    expect(judgeEvidenceStructure(image(side + 1, 1), limits)).toEqual({ ok: false, code: 'EVIDENCE_IMAGE_TOO_LARGE', width: side + 1, height: 1 });
    expect(judgeEvidenceStructure(image(side, rows + 1), limits)).toMatchObject({ code: 'EVIDENCE_IMAGE_TOO_LARGE' });
  });
  it('every declared size counts (a small canvas with a huge frame), the first refusal wins', () => {
    const frames = {
      declared: [
        { width: 10, height: 10 },
        { width: 0, height: 3 },
        { width: 1 << 20, height: 1 << 20 },
      ],
    };
    expect(judgeEvidenceStructure(image(10, 10, frames), limits)).toEqual({ ok: false, code: 'EVIDENCE_CORRUPT', reason: 'image declares 0x3' });
    expect(
      judgeEvidenceStructure(
        image(10, 10, {
          declared: [
            { width: 10, height: 10 },
            { width: 1 << 20, height: 1 << 20 },
          ],
        }),
        limits,
      ),
    ).toMatchObject({ code: 'EVIDENCE_IMAGE_TOO_LARGE' });
  });
  it('a bomb is refused as a bomb even when the file is also broken; otherwise the defect is EVIDENCE_CORRUPT', () => {
    expect(judgeEvidenceStructure(image(100_000, 100_000, { defect: 'PNG ends without IEND' }), limits)).toMatchObject({ code: 'EVIDENCE_IMAGE_TOO_LARGE' });
    expect(judgeEvidenceStructure(image(16, 16, { defect: 'PNG ends without IEND' }), limits)).toEqual({
      ok: false,
      code: 'EVIDENCE_CORRUPT',
      reason: 'PNG ends without IEND',
    });
  });
  it('assertEvidenceIntact throws the stable codes as 422 (unprocessable)', () => {
    const thrown = (s: EvidenceStructure): DomainError => {
      try {
        assertEvidenceIntact(s, limits);
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('not refused');
    };
    expect(() => assertEvidenceIntact(image(1, 1), limits)).not.toThrow();
    expect(thrown({ declared: [], defect: 'MP4 without moov' })).toMatchObject({ code: 'EVIDENCE_CORRUPT', kind: 'unprocessable' });
    expect(thrown(image(100_000, 1))).toMatchObject({ code: 'EVIDENCE_IMAGE_TOO_LARGE', kind: 'unprocessable', details: { width: 100_000, height: 1 } });
  });
});
