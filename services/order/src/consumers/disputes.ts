// disputes.v1 -> order commands (O9, D9, E3), and every disputes.v1 event into the order's timeline.
// DisputeResendAgreed is not acted on: protection stays suspended until the replacement actually
// ships (ResendShipped resumes it, extended by extendBy).
import { DisputeOpened, DisputeSettled, DisputeWithdrawn, ResendShipped, disputePublicEvents } from '@bp/contracts';
import { on, type Handlers } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { OrderApp } from '../app/order-app';
import { issueFrom } from './issue';
import { observing } from './observe';

export const disputeHandlers = (ctx: ServiceContext, app: OrderApp): Handlers => {
  const issue = issueFrom(ctx, app);
  // Every disputes.v1 event is also recorded in the order's timeline (observe.ts).
  return observing(ctx, app, disputePublicEvents, {
    ...on(DisputeOpened, (tx, e) =>
      issue(tx, e, { type: 'RecordDisputeOpened', data: { orderId: e.data.orderId, disputeId: e.data.disputeId, openedAt: e.data.openedAt } }),
    ),
    ...on(DisputeWithdrawn, (tx, e) =>
      issue(tx, e, { type: 'RecordDisputeWithdrawn', data: { orderId: e.data.orderId, disputeId: e.data.disputeId, withdrawnAt: e.data.withdrawnAt } }),
    ),
    // The order's refund is the part of the paid total going back: compensation for return shipping
    // is paid on top (R1, D8) and must not make a partial refund look like a full one.
    ...on(DisputeSettled, (tx, e) => {
      const { refund, returnShippingCompensation: comp } = e.data;
      const ofTotal = { amount: Math.max(0, refund.amount - (comp?.amount ?? 0)), currency: refund.currency };
      return issue(tx, e, { type: 'RecordDisputeSettled', data: { orderId: e.data.orderId, disputeId: e.data.disputeId, refund: ofTotal, settledAt: e.data.settledAt } });
    }),
    ...on(ResendShipped, (tx, e) =>
      issue(tx, e, { type: 'RecordResendShipped', data: { orderId: e.data.orderId, disputeId: e.data.disputeId, shippedAt: e.data.shippedAt, extendByDays: e.data.extendBy } }),
    ),
  });
};
