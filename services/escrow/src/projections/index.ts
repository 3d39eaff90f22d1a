import type { Projection } from '@bp/eventstore';
import { escrowsProjection } from './escrows';
import { ledgerEntriesProjection } from './ledger-entries';
import { refundQueueProjection } from './refund-queue';

export * from './escrows';
export * from './ledger-entries';
export * from './ledger-verify';
export * from './refund-queue';
export * from './seller-balance';

/** Every read model of the escrow service (migrated at start, rebuilt by `ops replay`). */
export const escrowProjections = (schema: string): Projection[] => [escrowsProjection(schema), ...eventProjections(schema)];

/** The read models the command handler applies event by event (the escrow row is written per command). */
export const eventProjections = (schema: string): Projection[] => [ledgerEntriesProjection(schema), refundQueueProjection(schema)];
