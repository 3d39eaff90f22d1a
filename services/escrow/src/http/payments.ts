import type { FastifyPluginAsyncZod } from '@bp/http';
import { randomUUID } from 'node:crypto';
import { CreatePaymentBody } from '../domain';
import type { Payments } from '../app/payments';
import { actorOf } from './access';

/** POST /payments (buyer, own order only): 201 with the payment's status after the provider answered. */
export const paymentRoutes = (payments: Payments): FastifyPluginAsyncZod => async (app) => {
  app.post('/payments', { config: { roles: ['buyer'] }, schema: { body: CreatePaymentBody } }, async (req, reply) => {
    const payment = await payments.pay(actorOf(req.user), req.body, randomUUID());
    return reply.code(201).header('location', `/escrows/${encodeURIComponent(payment.orderId)}`).send(payment);
  });
};
