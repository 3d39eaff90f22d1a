import type { Decider } from '@bp/eventstore';
import type { EscrowCommand } from './commands';
import { applyAppealDecision, applyDisputeSettlement, grantFastRefund } from './decide-disputes';
import { releaseOnCompletion, refundOnCancellation } from './decide-outcomes';
import { capturePayment, failPayment, reconcilePayment, recordOrderPlaced, requestPayment } from './decide-payments';
import { paymentIdOfKind } from './deadlines';
import { completeRefund, failRefundAttempt, fireDeadline } from './decide-refunds';
import { evolve, initialState } from './escrow';
import type { EscrowEvent } from './events';
import { refuse } from './errors';
import { isKnown, type EscrowState, type KnownEscrow } from './state';

/** Every command but RecordOrderPlaced needs the order: unknown -> ESCROW_ORDER_UNKNOWN (retry or park). */
const known = (s: EscrowState, orderId: string): KnownEscrow =>
  isKnown(s) ? s : refuse('ESCROW_ORDER_UNKNOWN', `no OrderPlaced seen for order ${orderId} yet`);

/** Pure: a command and the current state -> new events, [] when harmless, or a DomainError refusal. */
export const decide = (command: EscrowCommand, state: EscrowState): EscrowEvent[] => {
  switch (command.type) {
    case 'RecordOrderPlaced':
      return recordOrderPlaced(command, state);
    case 'RequestPayment':
      return requestPayment(command, known(state, command.data.orderId));
    case 'CapturePayment':
      return capturePayment(command, known(state, command.data.orderId));
    case 'FailPayment':
      return failPayment(command, known(state, command.data.orderId));
    case 'ReleaseOnCompletion':
      return releaseOnCompletion(command, known(state, command.data.orderId));
    case 'RefundOnCancellation':
      return refundOnCancellation(command, known(state, command.data.orderId));
    case 'ApplyDisputeSettlement':
      return applyDisputeSettlement(command, known(state, command.data.orderId));
    case 'GrantFastRefund':
      return grantFastRefund(command, known(state, command.data.orderId));
    case 'ApplyAppealDecision':
      return applyAppealDecision(command, known(state, command.data.orderId));
    case 'CompleteRefund':
      return completeRefund(command, known(state, command.data.orderId));
    case 'FailRefundAttempt':
      return failRefundAttempt(command, known(state, command.data.orderId));
    case 'FireDeadline':
      if (!isKnown(state)) return [];
      return paymentIdOfKind(command.data.kind) ? reconcilePayment(command, state) : fireDeadline(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown command ${(unreachable as { type: string }).type}`);
    }
  }
};

export const escrowDecider: Decider<EscrowCommand, EscrowEvent, EscrowState> = { decide, evolve, initialState };
