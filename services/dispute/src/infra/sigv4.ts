import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for one request (header auth), with node:crypto only: no AWS SDK is
 * installed. Enough for S3-compatible PUT/GET of single objects (path-style URLs, no query string).
 */
export interface SigV4Input {
  method: string;
  url: URL;
  /** Extra headers to sign (lower-case names); host, x-amz-date and x-amz-content-sha256 are added. */
  headers: Record<string, string>;
  payloadSha256: string;
  now: Date;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/** RFC 3986 encoding of each path segment, as SigV4 wants it (S3: encoded once). */
const canonicalPath = (pathname: string) =>
  pathname
    .split('/')
    .map((seg) => encodeURIComponent(decodeURIComponent(seg)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');

/** The headers to send: the given ones plus x-amz-date, x-amz-content-sha256 and authorization. */
export const signV4 = (i: SigV4Input): Record<string, string> => {
  const amzDate = i.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...i.headers, host: i.url.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': i.payloadSha256 };
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')]));
  const canonicalHeaders = names.map((n) => `${n}:${lower[n]}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [i.method, canonicalPath(i.url.pathname), '', canonicalHeaders, signedHeaders, i.payloadSha256].join('\n');
  const scope = `${day}/${i.region}/${i.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${i.secretAccessKey}`, day), i.region), i.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const { host: _host, ...rest } = headers;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${i.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
};

export const EMPTY_SHA256 = sha256('');
export { sha256 as sha256Hex };
