import { systemActor, type Actor } from '@bp/contracts';

/** Who acts when escrow itself acts (provider answers, refund attempts); consumed events act as their producer. */
export const ESCROW_ACTOR: Actor = systemActor('escrow-service');
