import type { Projection } from '@bp/eventstore';
import { disputesProjection } from './disputes';
import { evidenceProjection } from './evidence';
import { threadProjection } from './thread';

export * from './disputes';
export * from './thread';
export * from './evidence';
export * from './queries';
export * from './appeal-queue';

/** Every read model of the service (migrated at start, rebuilt by `ops replay dispute`). */
export const disputeProjections = (schema: string): Projection[] => [disputesProjection(schema), threadProjection(schema), evidenceProjection(schema)];
