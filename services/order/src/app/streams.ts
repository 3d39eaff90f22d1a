// Stream ids of the service's aggregates. The prefix tells the scheduler which aggregate a due
// deadline belongs to (only orders have deadlines today). The timeline stream is NOT `order-…`, so
// orderIdOfStream never mistakes it for an order.
const ORDER = 'order-';
const BUYER = 'buyer-';
const TIMELINE = 'timeline-';

export const orderStream = (orderId: string): string => `${ORDER}${orderId}`;
export const buyerStream = (buyerId: string): string => `${BUYER}${buyerId}`;
/** Other services' events about the order (UpstreamEventObserved), beside the order stream. */
export const timelineStream = (orderId: string): string => `${TIMELINE}${orderId}`;

/** The order id of an order stream, or null for any other stream. */
export const orderIdOfStream = (streamId: string): string | null => (streamId.startsWith(ORDER) ? streamId.slice(ORDER.length) : null);
