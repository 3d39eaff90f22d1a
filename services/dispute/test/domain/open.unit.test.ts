import { spec } from '@bp/testing';
import { disputeDecider } from '../../src/domain/dispute';
import { buyer, day, facts, image, open, opened, ofType, PAID, seller, stranger, types, usd, video } from './fixtures';

const when = (c: ReturnType<typeof open>) => spec(disputeDecider).given([]).when(c);

describe('OpenDispute (D1, D2)', () => {
  it('D1/D2: the buyer opens; terms, the opening and the first thread entry are recorded; D4 seller window from policy', () => {
    when(open()).then((events, state) => {
      expect(types(events)).toEqual(['DisputeTermsRecorded', 'DisputeOpened', 'ThreadEntryAdded']);
      const [o] = ofType(events, 'DisputeOpened');
      expect(o!.data).toMatchObject({
        disputeId: 'd-1',
        orderId: 'order-1',
        buyerId: 'buyer-1',
        sellerId: 'seller-1',
        openedAt: day(7),
        sellerRespondBy: day(12),
      });
      expect(o!.data.proposal).toEqual({ proposalId: 'd-1-p1', by: 'buyer', type: 'RETURN_AND_REFUND', refund: PAID });
      expect(state.status).toBe('awaiting_seller');
    });
  });

  it('D1: the open dispute keeps every recorded term (the fold lists them one by one; a term it missed would vanish)', () => {
    when(open()).then((events, state) => {
      const [terms] = ofType(events, 'DisputeTermsRecorded');
      expect(Object.keys(terms!.data).length).toBeGreaterThan(0);
      expect(state).toMatchObject(terms!.data);
    });
  });

  it('D1: day 5 after shipment is refused (DISPUTE_TOO_EARLY), day 6 is accepted', () => {
    when(open({}, day(5, 23))).thenRefuses('DISPUTE_TOO_EARLY');
    when(open({}, day(6))).then((events) => expect(events[1]!.type).toBe('DisputeOpened'));
  });
  it('D1, O10: reported delivery allows opening before day 6', () => {
    when(open({ order: facts({ deliveredAt: day(2) }) }, day(3))).then((events) => void expect(events).toHaveLength(3));
  });
  it('D1: PROTECTION_EXPIRED once protection ran out', () => when(open({}, day(60))).thenRefuses('PROTECTION_EXPIRED'));
  it('D1, O6: ORDER_ALREADY_CONFIRMED on a completed order', () =>
    when(open({ order: facts({ status: 'completed' }) })).thenRefuses('ORDER_ALREADY_CONFIRMED'));
  it('D1: ORDER_CLOSED on a closed order', () => when(open({ order: facts({ status: 'closed' }) })).thenRefuses('ORDER_CLOSED'));
  it('D1: ORDER_NOT_SHIPPED before shipment', () =>
    when(open({ order: facts({ status: 'paid', shippedAt: null, protectionEndsAt: null }) })).thenRefuses('ORDER_NOT_SHIPPED'));
  it('D1: DISPUTE_ALREADY_OPEN when the order has another open dispute', () =>
    when(open({ order: facts({ openDisputeId: 'd-0' }) })).thenRefuses('DISPUTE_ALREADY_OPEN'));
  it('R5/D1: DISPUTE_ALREADY_SETTLED when an earlier dispute settled the order (its completion still on its way)', () =>
    when(open({ order: facts({ settledDisputeId: 'd-0' }) })).thenRefuses('DISPUTE_ALREADY_SETTLED'));
  it('D1: not the buyer of the order -> NOT_ORDER_BUYER (HTTP 404)', () => when(open({}, day(7), stranger)).thenRefuses('NOT_ORDER_BUYER'));
  it('D1: a seller cannot open -> ROLE_NOT_ALLOWED', () => when(open({}, day(7), seller)).thenRefuses('ROLE_NOT_ALLOWED'));
  it('the facts must be about the named order -> ORDER_NOT_FOUND', () => when(open({ orderId: 'order-9' })).thenRefuses('ORDER_NOT_FOUND'));

  it('D2: REFUND_ABOVE_PAID', () => when(open({ solution: { type: 'RETURN_AND_REFUND', refund: usd(10_001) } })).thenRefuses('REFUND_ABOVE_PAID'));
  it('D2: REFUND_NOT_POSITIVE', () => when(open({ solution: { type: 'REFUND_ONLY', refund: usd(0) } })).thenRefuses('REFUND_NOT_POSITIVE'));
  it('D2: CURRENCY_MISMATCH', () =>
    when(open({ solution: { type: 'REFUND_ONLY', refund: { amount: 10, currency: 'EUR' } } })).thenRefuses('CURRENCY_MISMATCH'));
  it('D2: a partial refund on received goods without an image -> EVIDENCE_IMAGE_REQUIRED (a video does not count)', () =>
    when(open({ solution: { type: 'REFUND_ONLY', refund: usd(3000) }, evidence: [video()] })).thenRefuses('EVIDENCE_IMAGE_REQUIRED'));
  it('D2: a partial refund on received goods with an image is accepted', () =>
    when(open({ solution: { type: 'REFUND_ONLY', refund: usd(3000) }, evidence: [image()] })).then((e) => void expect(e).toHaveLength(3)) && undefined);
  it('D2: a full refund on received goods without return -> RETURN_REQUIRED_FOR_FULL_REFUND', () =>
    when(open({ solution: { type: 'REFUND_ONLY', refund: PAID } })).thenRefuses('RETURN_REQUIRED_FOR_FULL_REFUND'));
  it('D2: goods not received: full refund only, no image needed', () =>
    when(open({ goodsReceived: false, reason: 'NOT_RECEIVED', solution: { type: 'REFUND_ONLY', refund: PAID }, evidence: [] })).then(
      (e) => void expect(e).toHaveLength(3),
    ) && undefined);
  it('D2: a return of goods never received -> RETURN_WITHOUT_GOODS', () =>
    when(open({ goodsReceived: false, reason: 'NOT_RECEIVED', solution: { type: 'RETURN_AND_REFUND', refund: PAID } })).thenRefuses('RETURN_WITHOUT_GOODS'));
  it('D3: four images in one submission -> EVIDENCE_TOO_MANY_IMAGES', () =>
    when(open({ evidence: [image('1'), image('2'), image('3'), image('4')] })).thenRefuses('EVIDENCE_TOO_MANY_IMAGES'));
  it('D3: an image above 2 MB -> EVIDENCE_TOO_LARGE', () => when(open({ evidence: [image('1', 2 * 1024 * 1024 + 1)] })).thenRefuses('EVIDENCE_TOO_LARGE'));
  it('D3: a PDF -> EVIDENCE_TYPE_NOT_ALLOWED', () =>
    when(open({ evidence: [{ ...image(), contentType: 'application/pdf' }] })).thenRefuses('EVIDENCE_TYPE_NOT_ALLOWED'));

  it('a repeated OpenDispute with the same id is harmless; another order on the same id is refused', () => {
    spec(disputeDecider).given(opened()).when(open()).thenNothingHappens();
    spec(disputeDecider)
      .given(opened())
      .when(open({}, day(7), { ...buyer, id: 'other' }))
      .thenRefuses('DISPUTE_ID_TAKEN');
  });
});
