import type { Decider } from '@bp/eventstore';
import type { DisputeCommand } from './commands';
import { evolveDispute, initialDisputeState, type DisputeState } from './dispute';
import type { DisputeEvent } from './events';
import { openDispute } from './decide-open';
import { acceptProposal, addEvidence, counterPropose, editProposal, escalate, postMessage, withdraw } from './decide-negotiation';
import { rule } from './decide-arbitration';
import { confirmReturnReceipt, shipResend, shipReturn } from './decide-returns';
import { decideAppeal, fileAppeal } from './decide-appeal';
import { fireDeadline } from './decide-deadline';

/** One function per command (decide-*.ts); refusals throw DomainError (errors.ts). */
export const decideDispute = (command: DisputeCommand, state: DisputeState): DisputeEvent[] => {
  switch (command.type) {
    case 'OpenDispute':
      return openDispute(command, state);
    case 'AcceptProposal':
      return acceptProposal(command, state);
    case 'CounterPropose':
      return counterPropose(command, state);
    case 'EditProposal':
      return editProposal(command, state);
    case 'Escalate':
      return escalate(command, state);
    case 'Withdraw':
      return withdraw(command, state);
    case 'PostMessage':
      return postMessage(command, state);
    case 'AddEvidence':
      return addEvidence(command, state);
    case 'Rule':
      return rule(command, state);
    case 'ShipReturn':
      return shipReturn(command, state);
    case 'ConfirmReturnReceipt':
      return confirmReturnReceipt(command, state);
    case 'ShipResend':
      return shipResend(command, state);
    case 'FileAppeal':
      return fileAppeal(command, state);
    case 'DecideAppeal':
      return decideAppeal(command, state);
    case 'FireDeadline':
      return fireDeadline(command, state);
    default: {
      const never: never = command;
      return never;
    }
  }
};

export const disputeDecider: Decider<DisputeCommand, DisputeEvent, DisputeState> = {
  decide: decideDispute,
  evolve: evolveDispute,
  initialState: initialDisputeState,
};

export const disputeStreamId = (disputeId: string): string => `dispute-${disputeId}`;
