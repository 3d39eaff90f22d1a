import { isDomainError } from '@bp/contracts';
import { operation, refusalsOf, retryLater, type FastifyPluginAsyncZod } from '@bp/http';
import { callerOf } from '@bp/runtime';
import { randomUUID } from 'node:crypto';
import { CreatePaymentBody, EscrowErrors } from '../domain';
import type { Payments } from '../app/payments';
import type { PrefetchRead } from '@bp/eventstore';
import { PaymentBody } from './schemas';

/**
 * S3: an order escrow does not know (even after waiting for it) answers 404 ESCROW_ORDER_UNKNOWN with
 * Retry-After, so an Idempotency-Key never keeps it: the same request may succeed a moment later.
 * Every such 404 carries it, a non-party's included, so the header says nothing about the order.
 */
const unknownOrderRetryLater = (e: unknown): never => {
  throw isDomainError(e) && e.code === 'ESCROW_ORDER_UNKNOWN' ? retryLater(e) : e;
};

const CONSISTENCY = [
  'Consistency (S3): may be called right after POST /orders answered. An order escrow has not',
  'recorded yet (its OrderPlaced still on its way) is waited for server-side, up to policy',
  'api.readYourWritesWait (5 s); still unknown then: 404 ESCROW_ORDER_UNKNOWN with Retry-After,',
  "which an Idempotency-Key does not keep (the same key may be sent again). While escrow's consumer is",
  'rejoining its group (after a restart) or behind its topics (under load) a wait that ends with the order',
  'unknown answers 503 SERVICE_UNAVAILABLE with Retry-After instead: the order may exist upstream; send the',
  'same request again.',
].join(' ');

/** POST /payments (buyer, own order only): 201 with the payment's status after the provider answered. */
export const paymentRoutes =
  ({ payments, reads }: { payments: Payments; reads: (orderId: string) => PrefetchRead[] }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/payments',
      {
        // Sent with the Idempotency-Key claim: the order's escrow row and stream, which the payment reads first.
        config: { roles: ['buyer'], prefetch: (req) => reads((req.body as CreatePaymentBody).orderId) },
        schema: {
          body: CreatePaymentBody,
          ...operation({
            operationId: 'createPayment',
            tags: ['payments'],
            summary: 'Pay an order into escrow (O3, E4)',
            description: CONSISTENCY,
            ok: {
              201: {
                body: PaymentBody,
                description: 'The payment after the provider answered (captured, failed, or pending until its webhook)',
                headers: ['Location'],
              },
            },
            refusals: refusalsOf(EscrowErrors, [
              'ESCROW_ORDER_UNKNOWN',
              'INVALID_ORDER',
              'INVALID_AMOUNT',
              'CURRENCY_MISMATCH',
              'ORDER_ALREADY_PAID',
              'ORDER_NOT_PAYABLE',
              'PAYMENT_IN_PROGRESS',
              'ESCROW_CLOSED',
            ]),
            retryAfter: [404],
          }),
        },
      },
      async (req, reply) => {
        const payment = await payments.pay(callerOf(req), req.body, randomUUID()).catch(unknownOrderRetryLater);
        return reply
          .code(201)
          .header('location', `/escrows/${encodeURIComponent(payment.orderId)}`)
          .send(payment);
      },
    );
  };
