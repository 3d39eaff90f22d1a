export * from './domain';
export { disputeService, createDisputeService, type DisputeServiceOptions } from './service';
export type { BlobStore } from './infra/blob-store';
export { localBlobStore } from './infra/local-blob-store';
export { s3BlobStore, type S3Config } from './infra/s3-blob-store';
