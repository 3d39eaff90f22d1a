// disputes.v1 -> order commands (dispute-commands.ts), and every disputes.v1 event into the order's
// timeline (observe.ts).
import {
  AppealDecided,
  AppealFiled,
  DisputeOpened,
  DisputeProtectionExtensionAgreed,
  DisputeSettled,
  DisputeWithdrawn,
  ProtectionEndAcknowledged,
  ResendShipped,
  disputePublicEvents,
} from '@bp/contracts';
import { on, type Handlers } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { OrderApp } from '../app/order-app';
import { disputeFactCommands as map } from './dispute-commands';
import { issueFrom } from './issue';
import { observing } from './observe';

export const disputeHandlers = (ctx: ServiceContext, app: OrderApp): Handlers => {
  const issue = issueFrom(ctx, app);
  return observing(ctx, app, disputePublicEvents, {
    ...on(DisputeOpened, (tx, e) => issue(tx, e, map.DisputeOpened(e.data))),
    ...on(DisputeWithdrawn, (tx, e) => issue(tx, e, map.DisputeWithdrawn(e.data))),
    ...on(DisputeSettled, (tx, e) => issue(tx, e, map.DisputeSettled(e.data))),
    ...on(ResendShipped, (tx, e) => issue(tx, e, map.ResendShipped(e.data))),
    ...on(DisputeProtectionExtensionAgreed, (tx, e) => issue(tx, e, map.DisputeProtectionExtensionAgreed(e.data))),
    ...on(AppealFiled, (tx, e) => issue(tx, e, map.AppealFiled(e.data))),
    ...on(AppealDecided, async (tx, e) => {
      const command = map.AppealDecided(e.data);
      if (command) await issue(tx, e, command);
    }),
    ...on(ProtectionEndAcknowledged, (tx, e) => issue(tx, e, map.ProtectionEndAcknowledged(e.data))),
  });
};
