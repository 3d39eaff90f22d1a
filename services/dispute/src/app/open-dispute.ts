import type { Actor } from '@bp/contracts';
import { commandMetadata, loadAggregate, withRetriedTransaction, type EventStore } from '@bp/eventstore';
import type { PoolClient } from 'pg';
import {
  buyerLevelDecider,
  buyerLevelStreamId,
  disputeFactsOf,
  disputeStreamId,
  orderFactsDecider,
  orderFactsStreamId,
  refuse,
  type BuyerLevel,
  type OpenDisputeBody,
} from '../domain';
import type { DisputeHandlers, DisputeResult } from './handlers';
import { resolveEvidence } from './evidence';

export interface OpenDeps {
  store: EventStore;
  schema: string;
  handlers: DisputeHandlers;
  /** D8, O12: levels with expedited arbitration (live policy). */
  expeditedLevels: BuyerLevel[];
}

const currentLevel = async (store: EventStore, buyerId: string, tx: PoolClient): Promise<BuyerLevel> =>
  (await loadAggregate(store, buyerLevelDecider, buyerLevelStreamId(buyerId), tx)).state.level;

/**
 * D1, D2: opening. The decider gets the order as this service knows it (order-facts stream) and the
 * buyer's level; the dispute's events and the order's ReserveDispute commit in ONE transaction, so
 * two concurrent openings on one order cannot both succeed (the second one's reservation conflicts,
 * is retried from a fresh read, and refused DISPUTE_ALREADY_OPEN, rolling its dispute back too).
 */
export const openDispute =
  (d: OpenDeps) =>
  async (actor: Actor, disputeId: string, body: OpenDisputeBody, now: string): Promise<DisputeResult> =>
    // A new transaction when ReserveDispute's order-facts append went stale (a consumer appended there first).
    withRetriedTransaction(d.store.pool, async (tx) => {
      // The order and the opener's level at once (one round trip on a pipelined connection): the
      // opener is the order's buyer but for an agent opening on a buyer's behalf, whose level is read then.
      const [order, openerLevel] = await Promise.all([
        loadAggregate(d.store, orderFactsDecider, orderFactsStreamId(body.orderId), tx),
        currentLevel(d.store, actor.id, tx),
      ]);
      const buyerId = order.state.status === 'unknown' ? actor.id : order.state.buyerId;
      const level = buyerId === actor.id ? openerLevel : await currentLevel(d.store, buyerId, tx);
      const facts = disputeFactsOf(order.state, level, d.expeditedLevels);
      if (!facts) return refuse('ORDER_NOT_FOUND', 'no such order');
      const evidence = await resolveEvidence(tx, d.schema, body.evidenceIds, actor);
      const metadata = commandMetadata(actor, now);
      const { evidenceIds: _ids, ...form } = body;
      // D1: the order's one open dispute, reserved in the same transaction, sent behind the dispute's
      // projections (one round trip); decided on the order as read above, then (the dispute
      // command's retry) on a fresh read. A conflict fails the dispute command with it.
      let loaded: typeof order | undefined = order;
      const reserve = (tx: PoolClient) => {
        const fold = loaded;
        loaded = undefined;
        return d.handlers.orderFactsOnce(
          { type: 'ReserveDispute', data: { orderId: body.orderId, disputeId }, meta: { now } },
          { tx, metadata, ...(fold ? { loaded: fold } : {}) },
        );
      };
      const result = await d.handlers.dispute(
        disputeStreamId(disputeId),
        { type: 'OpenDispute', data: { ...form, disputeId, evidence, order: facts }, meta: { now, actor } },
        // A fresh random id: nothing to read (were it taken, the append would conflict and the retry read it).
        { tx, metadata, newStream: true },
        disputeId, // its thread read back in the same round trip: the route answers without a read
        reserve,
      );
      return result;
    });

export { currentLevel };
