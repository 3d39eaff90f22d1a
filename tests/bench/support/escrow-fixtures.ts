import { systemActor } from '@bp/contracts';
import type { RunningService } from '@bp/runtime';
import { createEscrowApp } from '../../../services/escrow/src/app/escrow-app';

/** Orders recorded in escrow (as its OrderPlaced consumer would), so each can be paid once. */
export const recordOrdersForPayment = async (service: RunningService, orders: { orderId: string; buyerId: string; sellerId: string }[], concurrency = 1) => {
  const app = createEscrowApp(service.ctx);
  const now = new Date().toISOString();
  const metadata = { correlationId: 'bench', causationId: null, actor: systemActor('bench'), now };
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < orders.length; i = next++) {
        const o = orders[i]!;
        const data = {
          eventId: `bench-placed-${o.orderId}`,
          orderId: o.orderId,
          buyerId: o.buyerId,
          sellerId: o.sellerId,
          total: { amount: 10_000, currency: 'USD' },
          policy: { commissionBps: 250, refundRetryBase: 'PT30S', refundRetryMax: 'PT6H' },
        };
        await app.execute({ type: 'RecordOrderPlaced', data, meta: { now, actor: systemActor('bench') } }, { metadata });
      }
    }),
  );
};

/** A `POST /payments` body the sandbox provider captures (E4). */
export const payBody = (orderId: string) => ({ orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } });
