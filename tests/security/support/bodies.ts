// Bodies every write route accepts (schema-valid), so a call reaches authorization and the domain
// instead of stopping at validation: the matrix's BOLA cells and the mass-assignment checks use them.
import { placeBody } from './world';

export const usd = (amount: number) => ({ amount, currency: 'USD' });
/** A body each write route accepts, so a non-party's call reaches the party check (not 400 first). */
export const VALID_BODIES: [RegExp, unknown][] = [
  [/\/shipments$|\/return-shipment$|\/resend-shipment$/, { carrier: 'DHL', trackingNumber: 'TRK-9' }],
  [/\/orders\/:orderId\/extensions$/, { days: 5, reason: 'late' }],
  [/\/review$/, { rating: 5, text: 'fine' }],
  [/\/review\/reply$/, { text: 'thanks' }],
  [/\/review\/buyer-rating$/, { rating: 5, text: 'good buyer' }],
  [/\/counter-proposals$/, { solution: { type: 'REFUND_ONLY', refund: usd(100) }, message: 'half?', evidenceIds: [] }],
  [/\/proposals$/, { solution: { type: 'REFUND_ONLY', refund: usd(200) }, evidenceIds: [] }],
  [/\/messages$/, { text: 'hello', evidenceIds: [] }],
  [/\/return-receipt$/, { condition: 'RECEIVED_OK' }],
  [/\/ruling$/, { refund: usd(100), returnRequired: false, note: 'ruled' }],
  [/\/appeal$/, { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: [], statement: 'unfair', evidenceIds: [] }],
  [/\/appeal\/decision$/, { decision: 'UPHOLD', note: 'upheld' }],
  [/^\/recipients\//, { locale: 'en', emailOptOut: [] }],
  [/^\/orders$/, placeBody('seller-9')],
  [
    /^\/disputes$/,
    {
      orderId: 'order-x',
      goodsReceived: false,
      reason: 'NOT_RECEIVED',
      solution: { type: 'REFUND_ONLY', refund: usd(100) },
      description: 'never arrived',
      evidenceIds: [],
    },
  ],
  [/^\/payments$/, { orderId: 'order-x', paymentMethod: { type: 'sandbox', token: 'tok_ok' } }],
  [/^\/webhooks$/, { url: 'http://127.0.0.1:9/hook', eventTypes: ['marketplace.order.placed.v1'] }],
  [/^\/ops\/clock$/, { advanceBy: 'PT1S' }],
];
export const validBody = (url: string): unknown => VALID_BODIES.find(([re]) => re.test(url))?.[1] ?? {};
