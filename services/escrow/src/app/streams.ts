const PREFIX = 'escrow-';
/** One escrow stream per order. */
export const escrowStream = (orderId: string): string => `${PREFIX}${orderId}`;
/** The order of an escrow stream id, undefined for any other stream (e.g. sandbox deliveries). */
export const orderOfStream = (streamId: string): string | undefined => (streamId.startsWith(PREFIX) ? streamId.slice(PREFIX.length) : undefined);
