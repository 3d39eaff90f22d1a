import multipart from '@fastify/multipart';
import type { EventStore, Projection } from '@bp/eventstore';
import { claimIdempotencyKey, operation, problem, refusalsOf, type FastifyPluginAsyncZod, type PartFingerprint } from '@bp/http';
import type { Clock, Policy } from '@bp/timers';
import { callerOf } from '@bp/runtime';
import { readEvidenceFile, recordEvidence, type EvidenceFile } from '../app/evidence';
import { tooManyImages } from '../domain/evidence/limits';
import type { BlobStore } from '../infra/blob-store';
import { DisputeErrors } from '../domain';
import { EvidenceBody, EvidenceUpload } from './schemas';

export interface EvidenceRouteDeps {
  store: EventStore;
  blobs: BlobStore;
  projection: Projection;
  clock: Clock;
  policy: Policy;
}

/** Multipart limit errors that are the client's request shape, not the file's content. */
const SHAPE_ERRORS: Record<string, { code: string; detail: string }> = {
  FST_FILES_LIMIT: { code: 'EVIDENCE_TOO_MANY_FILES', detail: 'D3: too many files in one submission' },
  FST_PARTS_LIMIT: { code: 'EVIDENCE_TOO_MANY_PARTS', detail: 'too many parts in one submission' },
  FST_FIELDS_LIMIT: { code: 'EVIDENCE_TOO_MANY_PARTS', detail: 'too many fields in one submission' },
};

/**
 * D3: POST /evidence, multipart `file`: at most N images (N = maxImagesPerSubmission) "plus video",
 * so at most N + 1 files (3 images and a video); an (N+1)th image is refused like an (N+2)th file,
 * 400 EVIDENCE_TOO_MANY_FILES. Every file is read and checked first (type by content, size by type); only a submission that passes whole is stored,
 * so a refusal stores nothing.
 */
export const evidenceRoutes =
  (d: EvidenceRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const limits = d.policy.dispute;
    // Multipart parsing stays inside this plugin's own context: the other routes take JSON only.
    await app.register(multipart, {
      limits: {
        files: limits.maxImagesPerSubmission + 1, // D3: the images plus a video
        // One byte over the largest allowed size, so the domain's own check refuses with its code.
        fileSize: Math.max(limits.maxImageBytes, limits.maxVideoBytes) + 1,
        fields: 10,
        fieldSize: 1024,
        parts: limits.maxImagesPerSubmission + 11,
      },
    });

    // An Idempotency-Key fingerprints the uploaded files themselves (config.idempotency 'parts'): the
    // same key with other files is 422 IDEMPOTENCY_KEY_REUSED, with the same files a replay.
    app.post(
      '/evidence',
      {
        config: { roles: ['buyer', 'seller', 'agent'], idempotency: 'parts' },
        schema: operation({
          operationId: 'uploadEvidence',
          tags: ['evidence'],
          summary: 'Upload evidence (D3)',
          ok: { 201: { body: EvidenceBody, description: 'Stored: the first file, and every file of the submission in items' } },
          refusals: {
            ...refusalsOf(DisputeErrors, [
              'EVIDENCE_TYPE_NOT_ALLOWED',
              'EVIDENCE_TOO_LARGE',
              'EVIDENCE_TOO_MANY_IMAGES',
              'EVIDENCE_CORRUPT',
              'EVIDENCE_IMAGE_TOO_LARGE',
              'EMPTY_SUBMISSION',
            ]),
            400: [
              'VALIDATION_FAILED',
              'EVIDENCE_TOO_MANY_FILES',
              'EVIDENCE_TOO_MANY_PARTS',
              'MALFORMED_MULTIPART',
              'EVIDENCE_FILE_REQUIRED',
              'EMPTY_SUBMISSION',
            ],
            415: ['UNSUPPORTED_MEDIA_TYPE', 'EVIDENCE_TYPE_NOT_ALLOWED'],
          },
          requestBody: { contentType: 'multipart/form-data', schema: EvidenceUpload },
        }),
      },
      async (req, reply) => {
        const caller = callerOf(req);
        if (!req.isMultipart()) throw problem('UNSUPPORTED_MEDIA_TYPE', 415, 'send multipart/form-data with a `file` part');
        const files: EvidenceFile[] = [];
        const fingerprint: PartFingerprint[] = [];
        try {
          for await (const part of req.parts()) {
            if (part.type !== 'file') continue;
            if (part.fieldname !== 'file') {
              part.file.resume();
              throw problem('VALIDATION_FAILED', 400, `unexpected file field ${part.fieldname}; use \`file\``);
            }
            const file = await readEvidenceFile(part.file, limits);
            files.push(file);
            fingerprint.push({ name: part.fieldname, filename: part.filename, contentType: part.mimetype, sha256: file.sha256 });
            if (tooManyImages(files, limits)) throw problem('EVIDENCE_TOO_MANY_FILES', 400, 'D3: too many images in one submission');
          }
        } catch (e) {
          const shape = SHAPE_ERRORS[(e as { code?: string }).code ?? ''];
          if (shape) throw problem(shape.code, 400, shape.detail);
          // busboy's own parse errors (no boundary, truncated part) carry no code: the body is malformed.
          if (e instanceof Error && /^(Multipart|Unexpected end of form|Malformed part header)/.test(e.message))
            throw problem('MALFORMED_MULTIPART', 400, 'the multipart body cannot be parsed');
          throw e;
        }
        if (files.length === 0) throw problem('EVIDENCE_FILE_REQUIRED', 400, 'a `file` part is required');
        if (!(await claimIdempotencyKey(req, fingerprint))) return reply; // the key's stored answer was replayed
        const stored = await recordEvidence(d, files, caller, d.clock.now().toISOString());
        // API.md's shape for the (usual) single file; `items` lists every file of the submission.
        return reply.code(201).send({ ...stored[0], items: stored });
      },
    );
  };
