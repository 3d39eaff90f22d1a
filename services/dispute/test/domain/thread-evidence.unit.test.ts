import { chainEntry, verifyChain, canonicalJson, type ThreadEntry } from '../../src/domain/thread/thread';
import { checkEvidenceLimits } from '../../src/domain/evidence/limits';
import { buyer, day, image, policy, seller, video } from './fixtures';

const chain = (): ThreadEntry[] =>
  [
    { kind: 'OPENING' as const, author: buyer, text: 'broken', evidence: [image()] },
    { kind: 'MESSAGE' as const, author: seller, text: 'sorry', evidence: [] },
    { kind: 'EVIDENCE' as const, author: buyer, text: null, evidence: [image('2')] },
  ].reduce<ThreadEntry[]>((t, e, i) => [...t, chainEntry(t, { disputeId: 'd-1', at: day(7 + i), ...e })], []);

describe('thread hash chain (D3)', () => {
  it('an untouched chain verifies', () => expect(verifyChain(chain())).toEqual({ ok: true }));
  it('an edited text is detected at its row', () => {
    const t = chain();
    t[1] = { ...t[1]!, text: 'we will refund' };
    expect(verifyChain(t)).toEqual({ ok: false, brokenAt: 1, reason: 'hash' });
  });
  it('an edited evidence hash is detected', () => {
    const t = chain();
    t[0] = { ...t[0]!, evidence: [{ ...image(), sha256: 'c'.repeat(64) }] };
    expect(verifyChain(t)).toMatchObject({ ok: false, brokenAt: 0 });
  });
  it('a removed row breaks the sequence', () => expect(verifyChain([chain()[0]!, chain()[2]!])).toMatchObject({ ok: false, brokenAt: 1 }));
  it('a recomputed row still breaks the link to the next one', () => {
    const t = chain();
    const { hash: _h, ...body } = { ...t[1]!, text: 'forged' };
    t[1] = chainEntry([t[0]!], { ...body });
    expect(verifyChain(t)).toEqual({ ok: false, brokenAt: 2, reason: 'link' });
  });
  it('canonical JSON ignores key order', () => expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 })));
});

describe('evidence limits (D3, policy)', () => {
  const limits = policy.dispute;
  it('3 images and a video are fine', () => expect(checkEvidenceLimits([image('1'), image('2'), image('3'), video()], limits)).toEqual({ ok: true }));
  it('a fourth image is refused', () =>
    expect(checkEvidenceLimits([image('1'), image('2'), image('3'), image('4')], limits)).toMatchObject({ code: 'EVIDENCE_TOO_MANY_IMAGES' }));
  it('an image above 2 MB and a video above 50 MB are refused', () => {
    expect(checkEvidenceLimits([image('1', limits.maxImageBytes + 1)], limits)).toMatchObject({ code: 'EVIDENCE_TOO_LARGE', evidenceId: '1' });
    expect(checkEvidenceLimits([video('v', limits.maxVideoBytes + 1)], limits)).toMatchObject({ code: 'EVIDENCE_TOO_LARGE' });
    expect(checkEvidenceLimits([video('v', limits.maxVideoBytes)], limits)).toEqual({ ok: true });
  });
  it('types outside jpeg/png/webp/mp4/webm are refused', () =>
    expect(checkEvidenceLimits([{ contentType: 'image/gif', size: 1 }], limits)).toMatchObject({ code: 'EVIDENCE_TYPE_NOT_ALLOWED' }));
});
