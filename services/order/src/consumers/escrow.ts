// escrow.v1 -> order commands (escrow-commands.ts), and every escrow.v1 event into the order's timeline.
import { PaymentCaptured, RefundCompleted, escrowPublicEvents } from '@bp/contracts';
import { on, type Handlers } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { OrderApp } from '../app/order-app';
import { escrowFactCommands as map } from './escrow-commands';
import { issueFrom } from './issue';
import { observing } from './observe';

export const escrowHandlers = (ctx: ServiceContext, app: OrderApp): Handlers => {
  const issue = issueFrom(ctx, app);
  return observing(ctx, app, escrowPublicEvents, {
    ...on(PaymentCaptured, (tx, e) => issue(tx, e, map.PaymentCaptured(e.data))),
    ...on(RefundCompleted, async (tx, e) => {
      const command = map.RefundCompleted(e.data);
      if (command) await issue(tx, e, command);
    }),
  });
};
