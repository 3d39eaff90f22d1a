import type {
  AppealDecidedData,
  AppealFiledData,
  AppealSlaBreachedData,
  ArbitrationSlaBreachedData,
  DisputeCounterProposedData,
  DisputeEscalatedData,
  DisputeOpenedData,
  DisputeProposalEditedData,
  DisputeProtectionExtensionAgreedData,
  DisputeResendAgreedData,
  DisputeSettledData,
  DisputeWithdrawnData,
  FastRefundGrantedData,
  Money,
  ResendShippedData,
  ReturnReceivedData,
  ReturnRequestedData,
  ReturnShippedData,
} from '@bp/contracts';
import type { DomainEvent } from '@bp/eventstore';
import type { PolicySnapshot } from '@bp/timers';
import type { BuyerLevel } from '../order-facts/buyer-level';
import type { ThreadEntry } from '../thread/thread';

type E<T extends string, D> = DomainEvent<T, D>;

/** Private: what the dispute keeps about the order, frozen at opening (policy snapshot, O2). */
export interface DisputeTerms {
  disputeId: string;
  orderId: string;
  paid: Money;
  protectionDays: number;
  policy: PolicySnapshot;
  buyerLevel: BuyerLevel;
  expeditedLevels: BuyerLevel[];
  /** O8: the order had an extension request declined or left unanswered (EXTEND_PROTECTION allowed). */
  extensionRefused?: boolean;
}

export interface RulingData {
  disputeId: string;
  orderId: string;
  refund: Money;
  returnRequired: boolean;
  returnShippingCompensation?: Money;
  /** D8: the ruling picked one of the proposals on the table. */
  proposalId?: string;
  ruledBy: string;
  ruledAt: string;
}

/** The dispute log: the public disputes.v1 events plus private ones (terms, thread, ruling, timers). */
export type DisputeEvent =
  | E<'DisputeOpened', DisputeOpenedData>
  | E<'DisputeTermsRecorded', DisputeTerms>
  | E<'DisputeCounterProposed', DisputeCounterProposedData>
  | E<'DisputeProposalEdited', DisputeProposalEditedData>
  | E<'DisputeProposalAccepted', { disputeId: string; orderId: string; proposalId: string; acceptedBy: 'buyer' | 'seller' | 'system'; acceptedAt: string }>
  | E<'DisputeEscalated', DisputeEscalatedData>
  | E<'EvidenceWindowClosed', { disputeId: string; orderId: string; closedAt: string }>
  | E<'ArbitrationSlaBreached', ArbitrationSlaBreachedData>
  | E<'DisputeRuled', RulingData>
  | E<'DisputeWithdrawn', DisputeWithdrawnData>
  | E<'ReturnRequested', ReturnRequestedData>
  | E<'ReturnShipped', ReturnShippedData>
  | E<'FastRefundGranted', FastRefundGrantedData>
  | E<'ReturnReceived', ReturnReceivedData>
  | E<'DisputeSettled', DisputeSettledData>
  | E<'DisputeResendAgreed', DisputeResendAgreedData>
  | E<'ResendShipped', ResendShippedData>
  | E<'AppealFiled', AppealFiledData>
  | E<'AppealDecided', AppealDecidedData>
  | E<'AppealSlaBreached', AppealSlaBreachedData>
  | E<'DisputeProtectionExtensionAgreed', DisputeProtectionExtensionAgreedData>
  | E<'ThreadEntryAdded', { disputeId: string; orderId: string; entry: ThreadEntry }>;

export type DisputeEventType = DisputeEvent['type'];

/** Types that stay in the service's log (the rest are declared in @bp/contracts disputes.v1). */
export const PRIVATE_DISPUTE_EVENT_TYPES = [
  'DisputeTermsRecorded',
  'DisputeProposalAccepted',
  'EvidenceWindowClosed',
  'DisputeRuled',
  'ThreadEntryAdded',
] as const satisfies readonly DisputeEventType[];
