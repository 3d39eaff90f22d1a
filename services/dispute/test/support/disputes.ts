import type { ServiceUnderTest } from '@bp/testing';
import { as, PAID, shippedOrder, type Order } from './harness';

type Solution = { type: 'REFUND_ONLY' | 'RETURN_AND_REFUND'; refund: { amount: number; currency: string } };

export const openBody = (orderId: string, o: { goodsReceived?: boolean; solution?: Solution; evidenceIds?: string[] } = {}) => ({
  orderId,
  goodsReceived: o.goodsReceived ?? false,
  reason: o.goodsReceived ? 'NOT_AS_DESCRIBED' : 'NOT_RECEIVED',
  solution: o.solution ?? { type: 'REFUND_ONLY', refund: PAID },
  description: 'the parcel never arrived',
  evidenceIds: o.evidenceIds ?? [],
});

export const returnBody = (orderId: string) => openBody(orderId, { goodsReceived: true, solution: { type: 'RETURN_AND_REFUND', refund: PAID } });

/** A shipped order, 6 days later (D1), with a dispute the buyer opened. */
export const openedDispute = async (sut: ServiceUnderTest, body: (orderId: string) => object = (id) => openBody(id), order?: Partial<Order>) => {
  const o = await shippedOrder(sut, order);
  await sut.advance('P6D');
  const res = await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: body(o.orderId) });
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { order: o, disputeId: res.body.disputeId as string, view: res.body };
};

/** POST /disputes/{id}/<path> as someone; returns the response. */
export const act = (sut: ServiceUnderTest, disputeId: string, path: string, who: ReturnType<typeof as>, body: object = {}) =>
  sut.request('POST', `/disputes/${disputeId}/${path}`, { ...who, body });
