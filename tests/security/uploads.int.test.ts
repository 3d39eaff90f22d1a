// Hostile uploads (issue 11 "Reliability and security", item "Uploads"): POST /evidence of the
// running dispute service gets over-size files, too many files, executables and text under image
// names, zip and gzip bombs, pixel and decompression bombs and truncated images. Each is refused
// with its status and code (D3: type by content, size by type, structure by inspect.ts), and
// nothing of a refused submission is stored: no blob, no EvidenceUploaded event, no evidence row.
// A valid image in the same run is still accepted.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  cut,
  elf,
  exe,
  gif,
  gzipBomb,
  jpeg,
  jpegDeclaring,
  mp4,
  png,
  pngBomb,
  TINY_IDAT,
  text,
  webpExtended,
  webpLossy,
  zipBomb,
} from '../../services/dispute/test/support/images';
import { multipart, type Upload } from '../../services/dispute/test/support/multipart';
import { recordResult } from './support/results';
import { type RunningStack, startStack } from './support/stack';

const MB2 = 2 * 1024 * 1024;
const BUYER = { as: { role: 'buyer' as const, sub: 'buyer-uploads' } };

interface Case {
  name: string;
  files: Upload[];
  status: number;
  code: string;
}

const file = (filename: string, type: string, bytes: Buffer): Upload => ({ filename, type, bytes });

describe('uploads: hostile evidence is refused and nothing is stored (D3)', () => {
  let st: RunningStack;
  let cases: Case[];

  beforeAll(async () => {
    st = await startStack('sec_uploads', ['dispute']);
    const [zip, gz] = await Promise.all([zipBomb(), gzipBomb()]);
    const p = png({ width: 64, height: 64 });
    const j = jpeg({ width: 64, height: 64 });
    cases = [
      // D3 limits: size by the sniffed type (never the declared one), files per submission.
      { name: 'PNG of 2 MB + 1 byte', files: [file('big.png', 'image/png', png({ size: MB2 + 1 }))], status: 413, code: 'EVIDENCE_TOO_LARGE' },
      {
        name: 'PNG of 2 MB + 1 byte declared video/mp4',
        files: [file('big.mp4', 'video/mp4', png({ size: MB2 + 1 }))],
        status: 413,
        code: 'EVIDENCE_TOO_LARGE',
      },
      {
        name: 'four images in one submission',
        files: [1, 2, 3, 4].map((i) => file(`p${i}.png`, 'image/png', png({ size: 1000 + i }))),
        status: 400,
        code: 'EVIDENCE_TOO_MANY_FILES',
      },
      // D3: type by content.
      { name: 'text renamed .png', files: [file('photo.png', 'image/png', text())], status: 415, code: 'EVIDENCE_TYPE_NOT_ALLOWED' },
      { name: 'ELF binary declared image/png', files: [file('photo.png', 'image/png', elf())], status: 415, code: 'EVIDENCE_TYPE_NOT_ALLOWED' },
      { name: 'Windows EXE declared image/jpeg', files: [file('photo.jpg', 'image/jpeg', exe())], status: 415, code: 'EVIDENCE_TYPE_NOT_ALLOWED' },
      {
        name: `zip bomb (256 MiB of zeros in ${zip.length} B) named .png`,
        files: [file('evidence.png', 'image/png', zip)],
        status: 415,
        code: 'EVIDENCE_TYPE_NOT_ALLOWED',
      },
      {
        name: `gzip bomb (256 MiB in ${gz.length} B) named .jpg`,
        files: [file('evidence.jpg', 'image/jpeg', gz)],
        status: 415,
        code: 'EVIDENCE_TYPE_NOT_ALLOWED',
      },
      {
        name: 'truncated GIF (GIF is not a D3 type at all)',
        files: [file('a.gif', 'image/gif', cut(gif(), 30))],
        status: 415,
        code: 'EVIDENCE_TYPE_NOT_ALLOWED',
      },
      // Pixel and decompression bombs: the header declares more than the policy's limits.
      {
        name: 'PNG declaring 100000x100000 in a tiny file',
        files: [file('bomb.png', 'image/png', png({ width: 100_000, height: 100_000, idat: TINY_IDAT }))],
        status: 422,
        code: 'EVIDENCE_IMAGE_TOO_LARGE',
      },
      {
        name: 'PNG decompression bomb, 8000x8000 really deflated',
        files: [file('bomb.png', 'image/png', pngBomb(8000, 8000))],
        status: 422,
        code: 'EVIDENCE_IMAGE_TOO_LARGE',
      },
      {
        name: 'JPEG declaring 65535x65535',
        files: [file('bomb.jpg', 'image/jpeg', jpegDeclaring(65_535, 65_535))],
        status: 422,
        code: 'EVIDENCE_IMAGE_TOO_LARGE',
      },
      {
        name: 'WebP canvas of 2^24 x 2^24',
        files: [file('bomb.webp', 'image/webp', webpExtended(1 << 24, 1 << 24))],
        status: 422,
        code: 'EVIDENCE_IMAGE_TOO_LARGE',
      },
      // Truncated or forged structure behind a valid signature.
      { name: 'PNG without IEND', files: [file('cut.png', 'image/png', cut(p, p.length - 12))], status: 422, code: 'EVIDENCE_CORRUPT' },
      { name: 'PNG cut inside IDAT', files: [file('cut.png', 'image/png', cut(p, p.length - 20))], status: 422, code: 'EVIDENCE_CORRUPT' },
      {
        name: 'PNG signature then random bytes',
        files: [file('fake.png', 'image/png', Buffer.concat([png().subarray(0, 8), Buffer.alloc(4000, 0x41)]))],
        status: 422,
        code: 'EVIDENCE_CORRUPT',
      },
      { name: 'JPEG without EOI', files: [file('cut.jpg', 'image/jpeg', cut(j, j.length - 2))], status: 422, code: 'EVIDENCE_CORRUPT' },
      { name: 'JPEG cut inside a segment', files: [file('cut.jpg', 'image/jpeg', cut(j, 40))], status: 422, code: 'EVIDENCE_CORRUPT' },
      { name: 'WebP whose RIFF size is past the end', files: [file('cut.webp', 'image/webp', cut(webpLossy(), 36))], status: 422, code: 'EVIDENCE_CORRUPT' },
      { name: 'MP4 cut inside mdat', files: [file('cut.mp4', 'video/mp4', cut(mp4(8192), 8000))], status: 422, code: 'EVIDENCE_CORRUPT' },
      // One bad file refuses the whole submission: the good ones are not stored either.
      {
        name: 'a valid PNG with a truncated JPEG',
        files: [file('ok.png', 'image/png', png({ size: 3000 })), file('cut.jpg', 'image/jpeg', cut(j, j.length - 2))],
        status: 422,
        code: 'EVIDENCE_CORRUPT',
      },
    ];
  }, 120_000);
  afterAll(async () => {
    await st?.stop();
  }, 60_000);

  const upload = (files: Upload[]) => {
    const { body, headers } = multipart(files);
    return st.svc.dispute.request('POST', '/evidence', { ...BUYER, body, headers });
  };

  /** What an upload leaves behind: blob files, EvidenceUploaded events in the log, evidence rows. */
  const stored = async () => {
    const schema = st.svc.dispute.service.ctx.schema;
    const blobs = await readdir(path.join(st.dataDir, 'blobs'), { recursive: true, withFileTypes: true }).then(
      (entries) => entries.filter((e) => e.isFile()).length,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return 0;
        throw e;
      },
    );
    const count = async (sql: string) => (await st.db.pool.query<{ n: number }>(sql)).rows[0]!.n;
    const events = await count(`SELECT count(*)::int AS n FROM "${schema}".events WHERE type = 'EvidenceUploaded'`);
    const rows = await count(`SELECT count(*)::int AS n FROM "${schema}".evidence`);
    return { blobs, events, rows };
  };

  it('refuses each hostile upload with its status and code, storing nothing; a valid image is still accepted', async () => {
    const nothing = { blobs: 0, events: 0, rows: 0 };
    expect(await stored()).toEqual(nothing);
    const outcomes: string[] = [];
    let serverErrors = 0;
    let leaks = 0;
    for (const c of cases) {
      const res = await upload(c.files);
      if (res.status >= 500) serverErrors++;
      const after = await stored();
      if (after.blobs + after.events + after.rows > 0) leaks++;
      outcomes.push(`${c.name}: ${res.status} ${res.body?.code} stored=${JSON.stringify(after)}`);
    }
    expect(outcomes).toEqual(cases.map((c) => `${c.name}: ${c.status} ${c.code} stored=${JSON.stringify(nothing)}`));

    // The same run still takes real evidence: one file each of PNG, JPEG and WebP.
    const valid = [
      file('scratch.png', 'image/png', png({ width: 640, height: 480, size: 50_000 })),
      file('box.jpg', 'image/jpeg', jpeg({ width: 800, height: 600, size: 40_000 })),
      file('label.webp', 'image/webp', webpLossy()),
    ];
    const accepted = await upload(valid);
    expect(accepted).toMatchObject({
      status: 201,
      body: { items: [{ contentType: 'image/png' }, { contentType: 'image/jpeg' }, { contentType: 'image/webp' }] },
    });
    expect(await stored()).toEqual({ blobs: 3, events: 3, rows: 3 });

    recordResult(`uploads hostile=${cases.length} stored=${leaks} 5xx=${serverErrors} valid_accepted=${accepted.body.items.length}`);
  }, 120_000);
});
