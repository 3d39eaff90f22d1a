import { as, startDispute, type DisputeSut } from './support/harness';
import { multipart, png, type Upload } from './support/multipart';

// Idempotency-Key on the multipart evidence upload fingerprints the files (name, file name, declared
// type, bytes), not just the (empty) parsed body: other files under the same key are a new request.
describe('POST /evidence with an Idempotency-Key (multipart fingerprint)', () => {
  let t: DisputeSut;
  beforeAll(async () => {
    t = await startDispute('dispute_evidence_idem');
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  const upload = (files: Upload[], key: string) => {
    const { body, headers } = multipart(files);
    return t.sut.request('POST', '/evidence', { ...as('buyer', 'buyer-idem'), body, headers: { ...headers, 'idempotency-key': key } });
  };
  const evidenceRows = async () => (await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t.schema}".evidence`)).rows[0]!.n;

  it('same key + the same file -> the first answer replayed (same evidence id), stored once', async () => {
    const file = { filename: 'a.png', type: 'image/png', bytes: png(5000) };
    const first = await upload([file], 'k-same');
    expect(first.status).toBe(201);
    const rows = await evidenceRows();
    const again = await upload([file], 'k-same');
    expect([again.status, again.headers['idempotent-replayed'], again.body]).toEqual([201, 'true', first.body]);
    expect(await evidenceRows()).toBe(rows);
  });

  it('same key + a different file (same name and type) -> 422 IDEMPOTENCY_KEY_REUSED, nothing stored', async () => {
    const first = await upload([{ filename: 'b.png', type: 'image/png', bytes: png(6000) }], 'k-other');
    expect(first.status).toBe(201);
    const rows = await evidenceRows();
    const res = await upload([{ filename: 'b.png', type: 'image/png', bytes: png(6001) }], 'k-other');
    expect(res).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await evidenceRows()).toBe(rows);
  });

  it('same key + the same bytes under another file name, or one more file -> 422', async () => {
    const bytes = png(7000);
    expect((await upload([{ filename: 'c.png', type: 'image/png', bytes }], 'k-meta')).status).toBe(201);
    expect((await upload([{ filename: 'renamed.png', type: 'image/png', bytes }], 'k-meta')).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const two = [
      { filename: 'c.png', type: 'image/png', bytes },
      { filename: 'd.png', type: 'image/png', bytes: png(7001) },
    ];
    expect((await upload(two, 'k-meta')).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a refused upload claims no key: the same key with a valid file then succeeds', async () => {
    const four = [1, 2, 3, 4].map((i) => ({ filename: `p${i}.png`, type: 'image/png', bytes: png(2000 + i) }));
    expect((await upload(four, 'k-refused')).body.code).toBe('EVIDENCE_TOO_MANY_FILES');
    expect((await upload([four[0]!], 'k-refused')).status).toBe(201);
  });
});
