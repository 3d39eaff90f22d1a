/**
 * One command endpoint in its own process, so its event loop is not the load generator's (the
 * services run in their own processes in production too). argv: <kind> <port> <databaseUrl> <brokers>
 * <secret> <tag>. Prints one JSON line `{ "ready": true, ... }` with what the load needs (ids).
 *
 * - peer: bare Fastify 5, `POST /orders` = one emmett appendToStream of one event to a fresh stream, 201;
 * - order: the order service alone (`POST /orders`);
 * - dispute: the dispute service alone, with disputes opened beforehand (`POST /disputes/{id}/messages`);
 * - escrow: the escrow service alone, with orders recorded beforehand (`POST /payments`, each once).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signDevToken } from '@bp/http';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { createDisputeService, localBlobStore } from '../../../services/dispute/src';
import { escrowService } from '../../../services/escrow/src';
import { orderService } from '../../../services/order/src/service';
import { openDisputeBody, seedShippedOrders } from '../support/dispute-fixtures';
import { recordOrdersForPayment } from '../support/escrow-fixtures';
import { startServiceAlone } from '../support/service-alone';

const [kind, port, databaseUrl, brokers, secret, tag] = process.argv.slice(2) as [string, string, string, string, string, string];
const ready = (extra: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ ready: true, ...extra })}\n`);
const DB_POOL_MAX = 10; // the services' default pool size

const peer = async () => {
  // emmett is ESM-first: load it at run time (its CommonJS build serves a transpiled require too).
  const emmett = await import('@event-driven-io/emmett');
  const emmettPg = await import('@event-driven-io/emmett-postgresql');
  const pool = new Pool({ connectionString: databaseUrl, max: DB_POOL_MAX });
  const store = emmettPg.getPostgreSQLEventStore(databaseUrl, { connectionOptions: { pool } });
  await store.appendToStream(`warm-${randomUUID()}`, [{ type: 'OrderPlaced', data: {} }], { expectedStreamVersion: emmett.STREAM_DOES_NOT_EXIST });
  const app = Fastify({ logger: false });
  app.post('/orders', async (req, reply) => {
    const orderId = randomUUID();
    await store.appendToStream(`order-${orderId}`, [{ type: 'OrderPlaced', data: { orderId, ...(req.body as object) } }], {
      expectedStreamVersion: emmett.STREAM_DOES_NOT_EXIST,
    });
    return reply.code(201).send({ orderId });
  });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
  ready();
};

const fixtures = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ orderId: `ep-order-${tag}-${i}`, buyerId: `ep-buyer-${tag}`, sellerId: `ep-seller-${tag}` }));
const opts = () => ({ databaseUrl, brokers: brokers.split(','), secret, schema: `bench_ep_${kind}_${tag}`, port: Number(port) });

const main = async () => {
  if (kind === 'peer') return peer();
  if (kind === 'order') {
    await startServiceAlone('order', orderService, opts());
    return ready();
  }
  if (kind === 'dispute') {
    const service = await startServiceAlone(
      'dispute',
      createDisputeService({ blobs: () => localBlobStore(mkdtempSync(path.join(tmpdir(), 'ep-blobs-'))) }),
      opts(),
    );
    // Messages spread over many disputes: one dispute would measure its stream's write conflicts.
    const orders = fixtures(Number(process.env.BENCH_ENDPOINT_DISPUTES ?? 200));
    await seedShippedOrders(service, orders);
    const authorization = `Bearer ${signDevToken({ sub: orders[0]!.buyerId, role: 'buyer', secret })}`;
    const disputes: string[] = [];
    for (const o of orders) {
      const res = await service.app.inject({ method: 'POST', url: '/disputes', headers: { authorization }, payload: openDisputeBody(o.orderId) });
      if (res.statusCode !== 201) throw new Error(`opening a dispute: ${res.statusCode} ${res.body}`);
      disputes.push(res.json<{ disputeId: string }>().disputeId);
    }
    return ready({ disputes });
  }
  if (kind === 'escrow') {
    const service = await startServiceAlone('escrow', escrowService, opts());
    const orders = fixtures(Number(process.env.BENCH_ENDPOINT_ESCROW_ORDERS ?? 8800));
    await recordOrdersForPayment(service, orders, 8);
    return ready({ orders: orders.map((o) => o.orderId) });
  }
  throw new Error(`unknown endpoint kind ${kind}`);
};

main().catch((err: unknown) => {
  process.stderr.write(`endpoint server ${kind} failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
