// The order service's answers as zod schemas: the OpenAPI document is generated from them, the zod
// serializer shapes the answers with them, and the compile-time checks at the bottom keep them
// equal to the domain's view types (a field added to a view without its schema fails typecheck).
import { Actor, Money, OrderItem } from '@bp/contracts';
import { pageOf } from '@bp/http';
import { z } from 'zod';
import { OrderErrors, ShippingAddress, STATUSES, type OrderView } from '../domain/order';
import type { TimelineItem } from '../domain/timeline/items';
import type { OrderListItem } from '../projections/orders-list';

export const BuyerStatus = z.enum(['awaiting_payment', 'awaiting_shipment', 'shipped', 'delivered', 'completed', 'closed']);
const Iso = z.string().describe('ISO 8601 UTC');
const Deadline = z.object({ kind: z.string(), dueAt: Iso, actor: z.string(), onExpiry: z.string() }).describe('A pending timer (API.md)');
const Extension = z.object({
  extensionId: z.string(),
  days: z.number().int(),
  requestedAt: Iso,
  respondBy: Iso,
  outcome: z.enum(['pending', 'approved', 'declined', 'lapsed']),
});
const Review = z.object({
  rating: z.number().int(),
  text: z.string(),
  postedAt: Iso,
  publishDueAt: Iso,
  reply: z.object({ text: z.string(), repliedAt: Iso }).nullable(),
  buyerRating: z.object({ rating: z.number().int(), text: z.string(), ratedAt: Iso }).nullable(),
  publishedAt: Iso.nullable(),
});

export const OrderViewBody = z.object({
  orderId: z.string(),
  buyerId: z.string(),
  sellerId: z.string(),
  status: BuyerStatus.describe('O1: as the buyer sees it'),
  lifecycleStatus: z.enum(STATUSES),
  closedReason: z.string().nullable(),
  completionReason: z.string().nullable(),
  currency: z.string(),
  items: z.array(OrderItem),
  total: Money,
  paid: Money.nullable(),
  refunded: Money,
  shippingAddress: ShippingAddress.nullable().describe('Parties and agents only; null for anyone else'),
  placedAt: Iso,
  paidAt: Iso.nullable(),
  shipment: z.object({ carrier: z.string(), trackingNumber: z.string(), shippedAt: Iso }).nullable(),
  deliveredAt: Iso.nullable(),
  protectionDays: z.number().int(),
  handlingDays: z.number().int(),
  protectionEndsAt: Iso.nullable().describe('null before shipment and while a dispute suspends protection'),
  protectionSuspended: z.boolean(),
  protectionRemaining: z.string().nullable().describe('ISO 8601 duration left while suspended (O9)'),
  disputeOpen: z.boolean(),
  disputeId: z.string().nullable(),
  extensions: z.array(Extension),
  review: Review.nullable(),
  completedAt: Iso.nullable(),
  closedAt: Iso.nullable(),
  deadlines: z.array(Deadline),
  allowedActions: z.array(z.string()).describe('What the caller may do now (open list: new actions may appear)'),
  version: z.number().int().describe('Stream version, also the ETag'),
});

export const OrderListItemBody = z.object({
  orderId: z.string(),
  buyerId: z.string(),
  sellerId: z.string(),
  status: BuyerStatus,
  disputeOpen: z.boolean(),
  total: z.object({ amount: z.number().int(), currency: z.string() }),
  itemCount: z.number().int(),
  placedAt: Iso,
  updatedAt: Iso,
});
export const OrderPage = pageOf(OrderListItemBody);

export const TimelineBody = z.object({
  orderId: z.string(),
  items: z.array(
    z.object({
      service: z.enum(['order', 'escrow', 'dispute']),
      eventId: z.string(),
      type: z.string(),
      version: z.number().int().nullable().describe("The order stream's version; null for another service's event"),
      occurredAt: Iso,
      actor: Actor,
      correlationId: z.string().nullable(),
      causationId: z.string().nullable(),
      data: z.unknown(),
      ceType: z.string().optional().describe("Another service's event: its CloudEvents type"),
    }),
  ),
});

export const BuyerLevelBody = z.object({
  buyerId: z.string(),
  level: z.enum(['A0', 'A1', 'A2', 'A3', 'A4']),
  completedSpendUsd: z.number(),
  points: z.number().int(),
  version: z.number().int(),
});

export const ExtensionCreated = z.object({ extensionId: z.string(), version: z.number().int() });

export const orderRefusals = OrderErrors;

// Compile-time: the schemas and the domain's view types describe the same objects, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const same = <A, B>(_: Same<A, B>) => undefined;
same<z.output<typeof OrderViewBody>, OrderView & { version: number; shippingAddress: z.output<typeof ShippingAddress> | null }>(true);
same<z.output<typeof OrderListItemBody>, OrderListItem>(true);
same<z.output<typeof TimelineBody>['items'][number]['service'], TimelineItem['service']>(true);
