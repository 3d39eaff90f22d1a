// O2: placing an order. Ranges and limits come from the policy snapshot the caller passes in, which
// is frozen on OrderPlaced so a later policy change never alters this order.
import { multiplyAmount, sumAmounts, type OrderItem } from '@bp/contracts';
import type { CommandOf, OrderItemInput } from './commands';
import { orderError, refuseIf } from './errors';
import type { OrderEvent, OrderState } from './order';
import { dueAt } from './process';
import { iso } from './time';

const inRange = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;

/** unitPrice as Money in the order currency; null when its currency differs. */
const normalise = (item: OrderItemInput, currency: string): OrderItem | null => {
  const price = typeof item.unitPrice === 'number' ? { amount: item.unitPrice, currency } : item.unitPrice;
  if (price.currency !== currency) return null;
  return { sku: item.sku, title: item.title, quantity: item.quantity, unitPrice: { amount: price.amount, currency } };
};

const validItems = (cmd: CommandOf<'PlaceOrder'>): OrderItem[] => {
  const { items, currency, policy } = cmd.data;
  refuseIf(items.length === 0 ? 'EMPTY_ORDER' : null, 'an order needs at least one item');
  refuseIf(items.length > policy.order.maxItems ? 'TOO_MANY_ITEMS' : null, `at most ${policy.order.maxItems} items`);
  const normalised = items.map((i) => normalise(i, currency));
  const ok = normalised.filter((i): i is OrderItem => i !== null);
  refuseIf(ok.length !== items.length ? 'CURRENCY_MISMATCH' : null, `every unit price must be in ${currency}`);
  return ok;
};

/** O2: protection days 15–90 (default 60), handling days (default 7): snapshot values, not literals. */
const validDays = (cmd: CommandOf<'PlaceOrder'>): { protectionDays: number; handlingDays: number } => {
  const p = cmd.data.policy.order;
  const protectionDays = cmd.data.protectionDays ?? p.protectionDaysDefault;
  const handlingDays = cmd.data.handlingDays ?? p.handlingDaysDefault;
  if (!inRange(protectionDays, p.protectionDaysMin, p.protectionDaysMax))
    throw orderError('PROTECTION_DAYS_OUT_OF_RANGE', `protection days must be ${p.protectionDaysMin}–${p.protectionDaysMax}`);
  if (!inRange(handlingDays, p.handlingDaysMin, p.handlingDaysMax))
    throw orderError('HANDLING_DAYS_OUT_OF_RANGE', `handling days must be ${p.handlingDaysMin}–${p.handlingDaysMax}`);
  return { protectionDays, handlingDays };
};

export const placeOrder = (cmd: CommandOf<'PlaceOrder'>, state: OrderState): OrderEvent[] => {
  if (state.status !== 'initial') throw orderError('ORDER_ALREADY_EXISTS', 'the order exists already');
  if (cmd.meta.actor.role !== 'buyer') throw orderError('ROLE_NOT_ALLOWED', 'only a buyer places orders');
  const { orderId, sellerId, currency, policy, shippingAddress } = cmd.data;
  const items = validItems(cmd);
  const days = validDays(cmd);
  // O2: every line and the total stay safe integers (AMOUNT_TOO_LARGE, 422), or OrderPlaced could not be written.
  const total = {
    amount: sumAmounts(
      items.map((i) => multiplyAmount(i.unitPrice.amount, i.quantity, 'a line (quantity x unit price)')),
      'the order total',
    ),
    currency,
  };
  const placedAt = iso(cmd.meta.now);
  const paymentDueAt = dueAt(placedAt, 'order.paymentWindow', { policy, handlingDays: days.handlingDays });
  const data = { orderId, buyerId: cmd.meta.actor.id, sellerId, currency, items, total, ...days, placedAt, paymentDueAt, policy };
  return [
    { type: 'OrderPlaced', data },
    { type: 'ShippingAddressRecorded', data: { orderId, shippingAddress } },
  ];
};
