import { createHash } from 'node:crypto';
import { verifyChain, type ThreadEntry } from '../src';
import { localBlobStore } from '../src/infra/local-blob-store';
import { as, shippedOrder, startDispute, storedBlobs, usd, type DisputeSut } from './support/harness';
import { act, openBody } from './support/disputes';
import { mp4, multipart, png, script, type Upload } from './support/multipart';

const MB2 = 2 * 1024 * 1024;

describe('evidence upload (D3) and the hash-chained thread', () => {
  let t: DisputeSut;
  beforeAll(async () => {
    t = await startDispute('dispute_evidence');
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  const upload = (files: Upload[], who = as('buyer', 'buyer-up')) => {
    const { body, headers } = multipart(files);
    return t.sut.request('POST', '/evidence', { ...who, body, headers });
  };
  const evidenceRows = async () => (await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t.schema}".evidence`)).rows[0]!.n;
  /** Refusals store nothing: no blob, no evidence row, no event. */
  const expectNothingStored = async () => {
    expect(await storedBlobs(t.blobDir)).toEqual([]);
    expect(await evidenceRows()).toBe(0);
  };

  it('refuses an image of 2 MB + 1 byte with 413, storing nothing', async () => {
    const res = await upload([{ filename: 'big.png', type: 'image/png', bytes: png(MB2 + 1) }]);
    expect(res).toMatchObject({ status: 413, body: { code: 'EVIDENCE_TOO_LARGE' } });
    await expectNothingStored();
  });

  it('refuses a fourth image in one submission with 400, storing nothing', async () => {
    const four = [1, 2, 3, 4].map((i) => ({ filename: `p${i}.png`, type: 'image/png', bytes: png(2000 + i) }));
    const res = await upload(four);
    expect(res).toMatchObject({ status: 400, body: { code: 'EVIDENCE_TOO_MANY_FILES' } });
    await expectNothingStored();
  });

  it('refuses a script renamed .png with 415, storing nothing', async () => {
    const res = await upload([{ filename: 'holiday.png', type: 'image/png', bytes: script() }]);
    expect(res).toMatchObject({ status: 415, body: { code: 'EVIDENCE_TYPE_NOT_ALLOWED' } });
    await expectNothingStored();
  });

  it('stores a PNG renamed .jpg as PNG, under its sha256', async () => {
    const bytes = png(MB2); // exactly at the limit
    const res = await upload([{ filename: 'photo.jpg', type: 'image/jpeg', bytes }]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(res).toMatchObject({ status: 201, body: { sha256, contentType: 'image/png', size: MB2 } });
    expect(res.body.evidenceId).toEqual(expect.any(String));
    expect((await localBlobStore(t.blobDir).get(sha256))?.equals(bytes)).toBe(true);
    const { rows } = await t.db.pool.query(`SELECT uploader_id, uploader_role, content_type FROM "${t.schema}".evidence WHERE evidence_id = $1`, [
      res.body.evidenceId,
    ]);
    expect(rows).toEqual([{ uploader_id: 'buyer-up', uploader_role: 'buyer', content_type: 'image/png' }]);
  });

  it('D3: "plus video": three images and a video in one submission are stored; a fifth file is 400, storing nothing', async () => {
    const images = [1, 2, 3].map((i) => ({ filename: `q${i}.png`, type: 'image/png', bytes: png(4000 + i) }));
    const clip = { filename: 'clip.mp4', type: 'video/mp4', bytes: mp4(10_000) };
    const before = { blobs: (await storedBlobs(t.blobDir)).length, rows: await evidenceRows() };
    const five = await upload([...images, clip, { ...clip, filename: 'clip2.mp4', bytes: mp4(10_001) }]);
    expect(five).toMatchObject({ status: 400, body: { code: 'EVIDENCE_TOO_MANY_FILES' } });
    expect({ blobs: (await storedBlobs(t.blobDir)).length, rows: await evidenceRows() }).toEqual(before);
    const four = await upload([...images, clip]);
    expect(four.status).toBe(201);
    expect(four.body.items.map((i: { contentType: string }) => i.contentType)).toEqual(['image/png', 'image/png', 'image/png', 'video/mp4']);
  });

  it('accepts three images in one submission, and a video above the image limit', async () => {
    const three = await upload([1, 2, 3].map((i) => ({ filename: `p${i}.png`, type: 'image/png', bytes: png(3000 + i) })));
    expect(three.status).toBe(201);
    expect(three.body.items).toHaveLength(3);
    const video = await upload([{ filename: 'unboxing.mp4', type: 'video/mp4', bytes: mp4(MB2 + 100) }], as('seller', 'seller-up'));
    expect(video).toMatchObject({ status: 201, body: { contentType: 'video/mp4', size: MB2 + 100 } });
  });

  it("D2: evidence cited on opening lands in the thread; someone else's evidence id is refused", async () => {
    const { sut } = t;
    const o = await shippedOrder(sut);
    const img = await upload([{ filename: 'scratch.png', type: 'image/png', bytes: png(5000) }], as('buyer', o.buyerId));
    const partial = (ids: string[]) => openBody(o.orderId, { goodsReceived: true, solution: { type: 'REFUND_ONLY', refund: usd(3000) }, evidenceIds: ids });
    await sut.advance('P6D');
    const noImage = await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: partial([]) });
    expect(noImage).toMatchObject({ status: 422, body: { code: 'EVIDENCE_IMAGE_REQUIRED' } });
    const foreign = await upload([{ filename: 'x.png', type: 'image/png', bytes: png(6000) }], as('buyer', 'another-buyer'));
    expect((await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: partial([foreign.body.evidenceId]) })).body.code).toBe(
      'EVIDENCE_NOT_FOUND',
    );
    const opened = await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: partial([img.body.evidenceId]) });
    expect(opened.status).toBe(201);
    expect(opened.body.thread[0]).toMatchObject({
      kind: 'OPENING',
      evidence: [{ evidenceId: img.body.evidenceId, sha256: img.body.sha256, contentType: 'image/png' }],
    });
  });

  it('the chain detects a thread row edited in SQL; the log itself refuses the edit', async () => {
    const { sut } = t;
    const o = await shippedOrder(sut);
    await sut.advance('P6D');
    const { body } = await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: openBody(o.orderId) });
    const id = body.disputeId as string;
    await act(sut, id, 'messages', as('seller', o.sellerId), { text: 'it was delivered to your neighbour' });
    await act(sut, id, 'messages', as('buyer', o.buyerId), { text: 'no neighbour has it' });
    const before = await sut.request('GET', `/disputes/${id}`, as('buyer', o.buyerId));
    expect(before.body).toMatchObject({ chainVerified: true });
    expect(before.body.thread.map((e: ThreadEntry) => e.seq)).toEqual([1, 2, 3]);

    // Someone with database access rewrites what the seller said.
    await t.db.pool.query(
      `UPDATE "${t.schema}".dispute_thread SET entry = jsonb_set(entry, '{text}', '"the buyer admitted receiving it"') WHERE dispute_id = $1 AND seq = 2`,
      [id],
    );
    const after = await sut.request('GET', `/disputes/${id}`, as('buyer', o.buyerId));
    expect(after.body.chainVerified).toBe(false);
    expect(verifyChain(after.body.thread)).toEqual({ ok: false, brokenAt: 1, reason: 'hash' });

    // The log is the truth: its copy still verifies, and it refuses UPDATE outright.
    const logged = (await sut.service.ctx.store.readStream(`dispute-${id}`))
      .filter((e) => e.type === 'ThreadEntryAdded')
      .map((e) => (e.data as { entry: ThreadEntry }).entry);
    expect(verifyChain(logged)).toEqual({ ok: true });
    await expect(t.db.pool.query(`UPDATE "${t.schema}".events SET data = data WHERE stream_id = $1`, [`dispute-${id}`])).rejects.toThrow(/append-only/);
  });
});
