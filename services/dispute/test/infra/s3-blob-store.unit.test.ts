import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { blobStoreFromEnv } from '../../src/infra/config';
import { s3BlobStore } from '../../src/infra/s3-blob-store';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

const bodyOf = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });

/**
 * Enough of S3's wire protocol on loopback to check what the SDK sends: path-style object URLs,
 * SigV4 headers, NoSuchKey as a 404 XML error, and one 503 to show the SDK's retry.
 */
describe('S3 evidence store (AWS SDK) against an S3-like server on loopback', () => {
  const objects = new Map<string, { bytes: Buffer; type: string | undefined }>();
  const seen: { method: string; url: string; authorization: string }[] = [];
  let failNext = 0;
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = await bodyOf(req);
      seen.push({ method: req.method!, url: req.url!.split('?')[0]!, authorization: String(req.headers.authorization) });
      if (failNext > 0) {
        failNext--;
        res.writeHead(503, { 'content-type': 'application/xml' }).end('<Error><Code>SlowDown</Code><Message>busy</Message></Error>');
        return;
      }
      const path = req.url!.split('?')[0]!;
      if (req.method === 'PUT') {
        objects.set(path, { bytes: body, type: req.headers['content-type'] });
        res.writeHead(200, { etag: '"x"' }).end();
        return;
      }
      const hit = objects.get(path);
      if (!hit) {
        res
          .writeHead(404, { 'content-type': 'application/xml' })
          .end('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
        return;
      }
      res.writeHead(200, { 'content-type': hit.type ?? 'application/octet-stream', 'content-length': hit.bytes.length }).end(hit.bytes);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    seen.length = 0;
  });

  const store = () => s3BlobStore({ endpoint, bucket: 'ev', region: 'eu-central-1', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });

  it('puts an object under <bucket>/evidence/<sha256>, path-style, SigV4-signed, and gets the same bytes back', async () => {
    const bytes = Buffer.from('%PDF-1.7 evidence');
    await store().put(SHA, bytes, 'application/pdf');
    expect(seen[0]).toMatchObject({ method: 'PUT', url: `/ev/evidence/${SHA}` });
    expect(seen[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/eu-central-1\/s3\/aws4_request/);
    expect(objects.get(`/ev/evidence/${SHA}`)).toEqual({ bytes, type: 'application/pdf' });
    expect((await store().get(SHA))?.equals(bytes)).toBe(true);
  });

  it('answers null for a blob the bucket does not hold (NoSuchKey)', async () => {
    expect(await store().get(OTHER)).toBeNull();
  });

  it("retries a 503 (the SDK's retry strategy) and then succeeds", async () => {
    failNext = 1;
    await store().put(OTHER, Buffer.from('x'), 'image/png');
    expect(seen.map((s) => s.method)).toEqual(['PUT', 'PUT']);
    expect(objects.has(`/ev/evidence/${OTHER}`)).toBe(true);
  });

  it('refuses a key that is not a sha256 before sending anything', async () => {
    await expect(store().get('../etc/passwd')).rejects.toThrow(/sha256/);
    expect(seen).toEqual([]);
  });
});

describe('S3 evidence store with the SDK mock (aws-sdk-client-mock)', () => {
  // mockClient patches every S3Client's send: installed here only, removed after.
  let s3: ReturnType<typeof mockClient>;
  beforeAll(() => {
    s3 = mockClient(S3Client);
  });
  afterEach(() => s3.reset());
  afterAll(() => s3.restore());
  const store = () => s3BlobStore({ bucket: 'ev', region: 'us-east-1', prefix: 'disputes/' }, { client: new S3Client({ region: 'us-east-1' }) });

  it('sends bucket, prefixed key, body and content type', async () => {
    s3.on(PutObjectCommand).resolves({});
    await store().put(SHA, Buffer.from('img'), 'image/jpeg');
    const input = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ Bucket: 'ev', Key: `disputes/${SHA}`, ContentType: 'image/jpeg' });
    expect(Buffer.from(input.Body as Buffer).toString()).toBe('img');
  });

  it('an access error is an error, not a missing blob', async () => {
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'denied' }));
    await expect(store().get(SHA)).rejects.toThrow('denied');
  });
});

describe('blobStoreFromEnv', () => {
  it('refuses one S3 key without the other', () => {
    expect(() => blobStoreFromEnv('/data', { EVIDENCE_S3_BUCKET: 'ev', EVIDENCE_S3_ACCESS_KEY_ID: 'AK' })).toThrow(
      /both EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY, or neither/,
    );
  });

  it('accepts a bucket alone (the credential chain: IRSA, instance role) and refuses a malformed endpoint', () => {
    expect(blobStoreFromEnv('/data', { EVIDENCE_S3_BUCKET: 'ev' })).toBeDefined();
    expect(() => blobStoreFromEnv('/data', { EVIDENCE_S3_BUCKET: 'ev', EVIDENCE_S3_ENDPOINT: 'not a url' })).toThrow(/EVIDENCE_S3_ENDPOINT/);
  });
});
