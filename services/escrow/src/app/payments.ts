import { DomainError, type Actor, type Money } from '@bp/contracts';
import { commandMetadata, commitPending } from '@bp/eventstore';
import type { Clock } from '@bp/timers';
import { isKnown, type CreatePaymentBody } from '../domain';
import type { EscrowRow } from '../projections/escrows';
import type { CaptureResult, PaymentProvider } from '../providers';
import type { EscrowApp } from './escrow-app';
import { ESCROW_ACTOR } from './actor';

export interface PaymentView {
  paymentId: string;
  orderId: string;
  /** pending: the provider confirms by webhook (tok_slow). */
  status: 'captured' | 'failed' | 'pending';
  amount: Money;
  reason?: string;
}

/** What reconcile did: `skipped` = nothing to ask (unknown order, payment already answered). */
export type ReconcileOutcome = PaymentView['status'] | 'skipped';

/**
 * Recorded when the reconcile step finds a payment it cannot re-issue (requested before escrow
 * kept the token). The buyer may pay again; should the provider still capture the old payment, its
 * capture is held if the order is unpaid, else returned (E4: never held twice).
 */
export const RECONCILE_NO_TOKEN = 'reconcile_no_token';

/**
 * POST /payments (E4): record the request, ask the provider OUTSIDE any transaction, record its
 * answer. A crash between the two leaves the payment `requested`; its payment_reconcile deadline
 * (domain) then makes `reconcile` ask the provider again with the same payment id.
 */
export const createPayments = (o: {
  app: EscrowApp;
  provider: PaymentProvider;
  clock: Clock;
  /** S3: the order's escrow row, waiting (bounded) for an order escrow has not recorded yet (KnownOrders.read). */
  readOrder: (orderId: string) => Promise<EscrowRow | undefined>;
}) => {
  const ask = (r: { orderId: string; paymentId: string; amount: Money; token: string }): Promise<CaptureResult> =>
    o.provider.capture(r).catch((e: unknown) => ({ status: 'declined' as const, reason: `provider_error: ${e instanceof Error ? e.message : String(e)}` }));

  /** The provider's answer through the decider (a capture already recorded is [] there: E4). */
  const record = async (actor: Actor, r: { orderId: string; paymentId: string; amount: Money }, answer: CaptureResult): Promise<PaymentView> => {
    const { orderId, paymentId, amount } = r;
    const now = o.clock.now().toISOString();
    const meta = { now, actor };
    const metadata = commandMetadata(actor, now);
    switch (answer.status) {
      case 'captured':
        await o.app.execute(
          { type: 'CapturePayment', data: { orderId, paymentId, providerRef: answer.providerRef, amount, capturedAt: now }, meta },
          { metadata },
        );
        return { paymentId, orderId, status: 'captured', amount };
      case 'declined':
        await o.app.execute({ type: 'FailPayment', data: { orderId, paymentId, reason: answer.reason }, meta }, { metadata });
        return { paymentId, orderId, status: 'failed', amount, reason: answer.reason };
      case 'pending':
        return { paymentId, orderId, status: 'pending', amount };
    }
  };

  return {
    async pay(caller: Actor, body: CreatePaymentBody, paymentId: string): Promise<PaymentView> {
      const row = await o.readOrder(body.orderId);
      // Only the order's buyer may pay; anyone else learns nothing about the order (404). Still
      // unknown after the wait: the same 404, which the route answers with Retry-After (S3).
      if (!row || row.state.buyerId !== caller.id) throw new DomainError('ESCROW_ORDER_UNKNOWN', `no order ${body.orderId}`, 'not_found');
      const { orderId } = body;
      const { token } = body.paymentMethod;
      const amount = row.state.total;
      const now = o.clock.now().toISOString();
      await o.app.execute(
        { type: 'RequestPayment', data: { orderId, paymentId, methodType: body.paymentMethod.type, token }, meta: { now, actor: caller } },
        { metadata: commandMetadata(caller, now) },
      );
      // The request is one transaction until here; the provider must not be asked before the request
      // is durable (a crash would forget a payment the provider may capture): commit it now.
      await commitPending();
      return record(caller, { orderId, paymentId, amount }, await ask({ orderId, paymentId, amount, token }));
    },

    /**
     * E4, run after the payment_reconcile deadline fired (outside the scheduler's transaction): ask
     * the provider again about a payment still `requested`, with the SAME payment id, so a provider
     * that already captured answers with that capture (idempotent by payment id) and one that never
     * heard of it (the process died before calling it) performs it now, once. Re-issuing the capture
     * is the sandbox's natural idempotent retry; it keeps the buyer's intent (they asked to pay)
     * instead of failing a payment the provider may be about to take. A crash or a refused record
     * here is harmless: the deadline already moved to the next round.
     */
    async reconcile(orderId: string, paymentId: string): Promise<ReconcileOutcome> {
      const { state } = await o.app.load(orderId);
      if (!isKnown(state) || state.payments[paymentId]?.status !== 'requested') return 'skipped';
      const r = { orderId, paymentId, amount: state.total };
      const token = state.reconciles[paymentId]?.token;
      const answer: CaptureResult = token ? await ask({ ...r, token }) : { status: 'declined', reason: RECONCILE_NO_TOKEN };
      return (await record(ESCROW_ACTOR, r, answer)).status;
    },
  };
};
export type Payments = ReturnType<typeof createPayments>;
