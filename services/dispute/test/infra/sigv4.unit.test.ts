import { EMPTY_SHA256, sha256Hex, signV4 } from '../../src/infra/sigv4';
import { s3BlobStore } from '../../src/infra/s3-blob-store';

// The worked examples of the AWS S3 SigV4 documentation ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk").
const creds = { region: 'us-east-1', service: 's3', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const now = new Date('2013-05-24T00:00:00Z');

describe('SigV4 (S3-compatible evidence store)', () => {
  it('signs the documented GET Object example', () => {
    const headers = signV4({ ...creds, method: 'GET', url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'), headers: { range: 'bytes=0-9' }, payloadSha256: EMPTY_SHA256, now });
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('signs the documented PUT Object example', () => {
    const body = 'Welcome to Amazon S3.';
    const headers = signV4({
      ...creds,
      method: 'PUT',
      url: new URL('https://examplebucket.s3.amazonaws.com/test$file.text'),
      headers: { date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
      payloadSha256: sha256Hex(body),
      now,
    });
    expect(headers.authorization).toContain('Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('puts and gets objects by sha256 on a path-style URL', async () => {
    const objects = new Map<string, Buffer>();
    const fake = (async (url: URL, init: RequestInit) => {
      expect(String((init.headers as Record<string, string>).authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AK\//);
      if (init.method === 'PUT') objects.set(url.pathname, Buffer.from(init.body as Buffer));
      const hit = objects.get(url.pathname);
      return init.method === 'PUT' ? new Response(null, { status: 200 }) : hit ? new Response(hit) : new Response(null, { status: 404 });
    }) as unknown as typeof fetch;
    const store = s3BlobStore({ endpoint: 'http://minio:9000', bucket: 'ev', region: 'eu-central-1', accessKeyId: 'AK', secretAccessKey: 'SK' }, { fetch: fake });
    const sha = 'a'.repeat(64);
    await store.put(sha, Buffer.from('bytes'), 'image/png');
    expect([...objects.keys()]).toEqual([`/ev/evidence/${sha}`]);
    expect((await store.get(sha))?.toString()).toBe('bytes');
    expect(await store.get('b'.repeat(64))).toBeNull();
  });
});
