import { DomainError, type Actor } from '@bp/contracts';
import { commandMetadata, withRetriedTransaction, type EventStore } from '@bp/eventstore';
import type { PoolClient } from 'pg';
import {
  disputeStreamId,
  type AppealBody,
  type AppealDecisionBody,
  type CounterProposalBody,
  type DisputeCommand,
  type EditProposalBody,
  type RulingBody,
} from '../domain';
import type { ReturnCondition } from '@bp/contracts';
import { getDispute } from '../projections/queries';
import { resolveEvidence } from './evidence';
import type { DisputeHandlers, DisputeResult } from './handlers';

export interface ActionDeps {
  store: EventStore;
  schema: string;
  handlers: DisputeHandlers;
}

/** With the thread as the command left it, when it wrote something (the route's answer needs no read then). */
type Result = Promise<DisputeResult>;
type Call = { disputeId: string; actor: Actor; now: string; expectedVersion?: number };

/**
 * The commands on an existing dispute. Each builds the command (resolving what is impure: evidence
 * metadata, the buyer's current level) and runs it in one transaction; every rule is the decider's.
 */
export const disputeActions = (d: ActionDeps) => {
  const run = (c: Call, build: (tx: PoolClient) => Promise<DisputeCommand['data']> | DisputeCommand['data'], type: DisputeCommand['type']): Result =>
    // A new transaction when the saga's order-facts append went stale (a consumer appended there first).
    withRetriedTransaction(d.store.pool, async (tx) => {
      const data = await build(tx);
      const command = { type, data, meta: { now: c.now, actor: c.actor } } as DisputeCommand;
      const opts = { tx, metadata: commandMetadata(c.actor, c.now), ...(c.expectedVersion !== undefined ? { expectedVersion: c.expectedVersion } : {}) };
      return d.handlers.dispute(disputeStreamId(c.disputeId), command, opts, c.disputeId);
    });
  const evidence = (tx: PoolClient, c: Call, ids: readonly string[]) => resolveEvidence(tx, d.schema, ids, c.actor);

  return {
    accept: (c: Call) => run(c, () => ({}), 'AcceptProposal'),
    counterPropose: (c: Call, b: CounterProposalBody) =>
      run(c, async (tx) => ({ solution: b.solution, message: b.message, evidence: await evidence(tx, c, b.evidenceIds) }), 'CounterPropose'),
    editProposal: (c: Call, b: EditProposalBody) =>
      run(
        c,
        async (tx) => ({ solution: b.solution, ...(b.message ? { message: b.message } : {}), evidence: await evidence(tx, c, b.evidenceIds) }),
        'EditProposal',
      ),
    escalate: (c: Call, b: { message?: string }) => run(c, () => (b.message ? { message: b.message } : {}), 'Escalate'),
    cancel: (c: Call) => run(c, () => ({}), 'Withdraw'),
    message: (c: Call, b: { text?: string; evidenceIds: string[] }) =>
      run(c, async (tx) => ({ ...(b.text ? { text: b.text } : {}), evidence: await evidence(tx, c, b.evidenceIds) }), 'PostMessage'),
    // R6: the fast refund follows the level at opening (the dispute's terms), like D8's expedited arbitration.
    shipReturn: (c: Call, b: { carrier: string; trackingNumber: string }) => run(c, () => b, 'ShipReturn'),
    confirmReturn: (c: Call, b: { condition: ReturnCondition; note?: string }) => run(c, () => b, 'ConfirmReturnReceipt'),
    shipResend: (c: Call, b: { carrier: string; trackingNumber: string }) => run(c, () => b, 'ShipResend'),
    rule: (c: Call, b: RulingBody) => run(c, () => b, 'Rule'),
    appeal: (c: Call, b: AppealBody) =>
      run(
        c,
        async (tx) => {
          await checkOnBehalfOf(tx, d.schema, c, b.onBehalfOf);
          return { reason: b.reason, subReasons: b.subReasons, statement: b.statement, evidence: await evidence(tx, c, b.evidenceIds) };
        },
        'FileAppeal',
      ),
    decideAppeal: (c: Call, b: AppealDecisionBody) => run(c, () => b, 'DecideAppeal'),
  };
};

/**
 * R7, S1: an agent files an appeal FOR the buyer, naming them (`onBehalfOf`); a buyer files their
 * own. Who may appeal at all is the decider's rule; this only checks the request is coherent.
 */
const checkOnBehalfOf = async (tx: PoolClient, schema: string, c: Call, onBehalfOf: string | undefined): Promise<void> => {
  if (c.actor.role !== 'agent') {
    if (onBehalfOf !== undefined && onBehalfOf !== c.actor.id)
      throw new DomainError('ON_BEHALF_OF_NOT_ALLOWED', 'only an agent files for someone else', 'forbidden');
    return;
  }
  if (onBehalfOf === undefined) throw new DomainError('ON_BEHALF_OF_REQUIRED', 'an agent names the buyer it files for (onBehalfOf)', 'validation');
  const summary = await getDispute(tx, schema, c.disputeId);
  if (summary && summary.buyerId !== onBehalfOf) throw new DomainError('ON_BEHALF_OF_MISMATCH', 'onBehalfOf is not the buyer of this dispute', 'unprocessable');
};

export type DisputeActions = ReturnType<typeof disputeActions>;
