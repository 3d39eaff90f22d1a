// S3 on the dispute side, on the order-facts stream where every opening reserves the order (D1):
// appending here serializes with openings, so what is acknowledged is exactly what is open.
// - RecordProtectionEnded (orders.v1 ProtectionEnded, O7): answer ProtectionEndAcknowledged with the
//   dispute open on the order (or none); from then on no dispute opens (D1: PROTECTION_EXPIRED) until
//   the order's protection runs again (a resend, D9: ProtectionResumed with a later end).
// - ReopenDisputeForAppeal / CloseAppealReopening (R7, R8): an appeal of a dispute a resend resolved
//   holds the order again while it is decided (the order suspends protection on AppealFiled), unless
//   the order's money is already gone or going (final, or protection ended): then an OVERTURN is a
//   correction after release (E5). A reopening is not a new dispute (D12 does not count it).
import { z } from 'zod';
import { defineEvent, DomainError, type ProtectionEndAcknowledgedData } from '@bp/contracts';
import type { DomainEvent } from '@bp/eventstore';
import { OrderFactsErrors as Err } from './errors';
import type { KnownOrder, ProtectionEndFacts } from './known-order';

type C<T extends string, D> = { type: T; data: D; meta: { now: string } };

export type ProtectionEndCommand =
  | C<'RecordProtectionEnded', { orderId: string; round: number; endedAt: string }>
  | C<'ReopenDisputeForAppeal', { orderId: string; disputeId: string }>
  | C<'CloseAppealReopening', { orderId: string; disputeId: string }>;

export type ProtectionEndEvent =
  | DomainEvent<'ProtectionEndAcknowledged', ProtectionEndAcknowledgedData>
  | DomainEvent<'DisputeReopenedOnOrder', { orderId: string; disputeId: string; at: string }>
  | DomainEvent<'DisputeReleasedOnOrder', { orderId: string; disputeId: string; at: string; settled?: boolean }>;

/** The private event of this file (ProtectionEndAcknowledged is public, disputes.v1). */
export const DisputeReopenedOnOrder = defineEvent({
  type: 'DisputeReopenedOnOrder',
  version: 1,
  schema: z.object({ orderId: z.string().min(1), disputeId: z.string().min(1), at: z.iso.datetime() }),
  description: 'R7, S3: an appeal of a resend-resolved dispute holds the order again while it is decided',
});

const isFinal = (s: KnownOrder): boolean => s.status === 'completed' || s.status === 'closed';

export const decideProtectionEnd = (c: ProtectionEndCommand, s: KnownOrder & ProtectionEndFacts): ProtectionEndEvent[] => {
  const { orderId, now } = { orderId: c.data.orderId, now: c.meta.now };
  switch (c.type) {
    case 'RecordProtectionEnded':
      if ((s.acknowledgedRound ?? 0) >= c.data.round) return []; // a redelivery: answered already
      return [{ type: 'ProtectionEndAcknowledged', data: { orderId, round: c.data.round, openDisputeId: s.openDisputeId, acknowledgedAt: now } }];
    case 'ReopenDisputeForAppeal': {
      const { disputeId } = c.data;
      // R7, D12: a later dispute on the order supersedes an earlier one's appeal; otherwise both could
      // settle the same money (found by the whole-system simulation, seed 16678).
      if (s.latestDisputeId !== null && s.latestDisputeId !== disputeId)
        throw new DomainError(Err.APPEAL_SUPERSEDED, 'R7: a later dispute was opened on this order; appeal that one', 'conflict');
      if (s.openDisputeId === disputeId || s.settledDisputeId === disputeId) return []; // still open (a return), or settled: a correction
      // The money went or is going: an OVERTURN corrects it (E5). A protection end acknowledged while a
      // dispute held the order did not let the money go: the order waits for that dispute (S3).
      if (isFinal(s) || (s.protectionEnded && !s.heldAtProtectionEnd)) return [];
      return [{ type: 'DisputeReopenedOnOrder', data: { orderId, disputeId, at: now } }];
    }
    case 'CloseAppealReopening':
      return s.reopenedDisputeId === c.data.disputeId && s.openDisputeId === c.data.disputeId
        ? [{ type: 'DisputeReleasedOnOrder', data: { orderId, disputeId: c.data.disputeId, at: now } }]
        : [];
  }
};

/** evolve for this file's events, and the protection running again after a resend (D9). */
export const evolveProtectionEnd = <S extends KnownOrder & ProtectionEndFacts>(s: S, e: { type: string; data: unknown }): S => {
  switch (e.type) {
    case 'ProtectionEndAcknowledged': {
      const d = e.data as ProtectionEndAcknowledgedData;
      return { ...s, protectionEnded: true, acknowledgedRound: Math.max(s.acknowledgedRound ?? 0, d.round), heldAtProtectionEnd: d.openDisputeId !== null };
    }
    case 'DisputeReopenedOnOrder': {
      const d = e.data as { disputeId: string };
      return { ...s, openDisputeId: d.disputeId, reopenedDisputeId: d.disputeId };
    }
    case 'ProtectionChangeRecorded': {
      const d = e.data as { protectionEndsAt: string | null; at: string };
      const runsAgain = d.protectionEndsAt !== null && Date.parse(d.protectionEndsAt) > Date.parse(d.at);
      return runsAgain && s.protectionEnded ? { ...s, protectionEnded: false } : s;
    }
    default:
      return s;
  }
};
