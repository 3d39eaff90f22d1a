// Stream ids of the service's two aggregates. The prefix tells the scheduler which aggregate a due
// deadline belongs to (only orders have deadlines today).
const ORDER = 'order-';
const BUYER = 'buyer-';

export const orderStream = (orderId: string): string => `${ORDER}${orderId}`;
export const buyerStream = (buyerId: string): string => `${BUYER}${buyerId}`;

/** The order id of an order stream, or null for any other stream. */
export const orderIdOfStream = (streamId: string): string | null => (streamId.startsWith(ORDER) ? streamId.slice(ORDER.length) : null);
