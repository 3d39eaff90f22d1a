// Every consumed public event -> what the notification service does with it: (1) OrderPlaced becomes
// this service's order facts, (2) the order's reminder tracker observes it (N2), (3) routing turns it
// into notices (N1), (4) each active webhook subscription to its type gets a delivery (N4). Pure: the
// app loads what it needs to know (the order's facts, the subscriptions to the type), runs the steps
// in this order in the consumer's transaction and completes each notice with its recipient's
// channels (app/request-notice). Every step carries the event's own time and producer (consumedMeta).
import { consumedMeta } from '@bp/contracts';
import { deliveryIdOf } from '../derived-ids';
import type { NoticeDraft } from '../notices/kinds';
import { reminderEffects, type ReminderCommand } from '../reminders/reminders';
import { ORDER_PLACED, orderIdOf } from '../routing/awaits-facts';
import { orderFactsFrom, type OrderFacts, type OrderFactsCommand } from '../routing/order-facts';
import { route } from '../routing/route';
import type { DeliveryCommand } from '../webhooks/delivery';
import { cloudEventJson, type PublishedEvent } from '../webhooks/cloud-event';

/** What the app knows before the event is applied. */
export interface Known {
  /** The order's facts as recorded (null: none yet, or not about an order). */
  facts: OrderFacts | null;
  /** The active webhook subscriptions to the event's type. */
  subscriptions: readonly string[];
}

export type NotificationStep =
  | { kind: 'facts'; command: OrderFactsCommand }
  | { kind: 'reminders'; orderId: string; command: Extract<ReminderCommand, { type: 'ObserveEvent' }> }
  | { kind: 'notice'; draft: NoticeDraft }
  | { kind: 'delivery'; command: Extract<DeliveryCommand, { type: 'ScheduleDelivery' }> };

type PlacedData = Parameters<typeof orderFactsFrom>[0];

export const stepsOf = (e: PublishedEvent, known: Known): NotificationStep[] => {
  const meta = consumedMeta(e);
  const data = e.data as Record<string, unknown>;
  const orderId = orderIdOf(e.data);
  const placed = e.ceType === ORDER_PLACED ? orderFactsFrom(data as PlacedData) : null;
  // First OrderPlaced wins (order-facts decider): facts already recorded are the ones routing uses.
  const facts = known.facts ?? placed;
  const body = cloudEventJson(e);
  return [
    ...(placed ? [{ kind: 'facts' as const, command: { type: 'RecordOrderFacts' as const, data: placed } }] : []),
    ...(orderId && reminderEffects[e.ceType]
      ? [{ kind: 'reminders' as const, orderId, command: { type: 'ObserveEvent' as const, data: { orderId, ceType: e.ceType, data }, meta } }]
      : []),
    ...route(e.ceType, data, facts ?? undefined).map((draft) => ({ kind: 'notice' as const, draft })),
    ...known.subscriptions.map((subscriptionId) => ({
      kind: 'delivery' as const,
      command: {
        type: 'ScheduleDelivery' as const,
        data: { deliveryId: deliveryIdOf(e.id, subscriptionId), subscriptionId, eventId: e.id, ceType: e.ceType, body },
        meta,
      },
    })),
  ];
};
