import { randomUUID } from 'node:crypto';
import type { Role } from '@bp/contracts';
import { decodeCursor, encodeCursor, PageShape, retryLater, setVersionHeaders, type ServiceApp } from '@bp/http';
import type { CommandResult } from '@bp/eventstore';
import type { Clock } from '@bp/timers';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { DisputeActions } from '../app/dispute-actions';
import { isLiftedByOrderFacts } from '../app/known-orders';
import type { openDispute } from '../app/open-dispute';
import {
  AcceptBody,
  AppealBody,
  AppealDecisionBody,
  CancelBody,
  CounterProposalBody,
  EditProposalBody,
  EscalateBody,
  MessageBody,
  OpenDisputeBody,
  ReturnReceiptBody,
  RulingBody,
  ShipmentBody,
  type DisputeState,
} from '../domain';
import { listDisputes, type Visibility } from '../projections';
import { callerOf, withVersionCheck } from './caller';
import { loadResource, resourceOf } from './views';

export interface DisputeRouteDeps {
  pool: Pool;
  schema: string;
  clock: Clock;
  open: ReturnType<typeof openDispute>;
  actions: DisputeActions;
}

const Params = z.object({ disputeId: z.string().min(1).max(200) });
const ListQuery = z.object({ orderId: z.string().min(1).max(200).optional(), ...PageShape });
const ListCursor = z.object({ openedAt: z.iso.datetime(), disputeId: z.string() });
/** Commands without fields may be sent without a body at all (Fastify then hands over null). */
const Empty = <S extends z.ZodType>(s: S) => s.nullish();

type Call = Parameters<DisputeActions['accept']>[0];

const OPEN_CONSISTENCY = [
  'Consistency (S3): may be called right after the order service answered (order placed, shipped,',
  'delivery reported). An order this service has not heard of yet is waited for server-side (policy',
  'api.readYourWritesWait, 5 s); a refusal a fact still on its way could lift (ORDER_NOT_SHIPPED,',
  'DISPUTE_TOO_EARLY) is given only after waiting for the next fact about the order (api.staleFactsWait,',
  '1 s). Such refusals (and ORDER_NOT_FOUND) carry Retry-After and are not kept under an Idempotency-Key.',
  'The dispute itself is read-your-writes: GET /disputes/{id} right after this answer shows it.',
].join(' ');

/** API.md, dispute section: each route parses, names the caller, runs one use case, shows the result. */
export const disputeRoutes = async (app: ServiceApp, d: DisputeRouteDeps): Promise<void> => {
  const now = () => d.clock.now().toISOString();

  app.post('/disputes', { config: { roles: ['buyer'] }, schema: { body: OpenDisputeBody, tags: ['disputes'], summary: 'Open a dispute (D1, D2)', description: OPEN_CONSISTENCY } }, async (req, reply) => {
    const caller = callerOf(req);
    const at = now();
    // Ids are the caller's (conventions); with an Idempotency-Key a retry replays this response.
    const disputeId = randomUUID();
    // S3: a refusal a fact still on its way could lift comes only after the wait, with Retry-After.
    await d.open(caller, disputeId, req.body, at).catch((e: unknown) => {
      throw isLiftedByOrderFacts(e) ? retryLater(e) : e;
    });
    const view = await loadResource(d.pool, d.schema, disputeId, caller, at);
    setVersionHeaders(reply, view.version).header('location', `/disputes/${disputeId}`);
    return reply.code(201).send(view);
  });

  app.get('/disputes/:disputeId', { config: { roles: ['buyer', 'seller', 'agent'] }, schema: { params: Params, tags: ['disputes'] } }, async (req, reply) => {
    const view = await loadResource(d.pool, d.schema, req.params.disputeId, callerOf(req), now());
    setVersionHeaders(reply, view.version);
    return view;
  });

  app.get('/disputes', { config: { roles: ['buyer', 'seller', 'agent'] }, schema: { querystring: ListQuery, tags: ['disputes'] } }, async (req) => {
    const caller = callerOf(req);
    const at = now();
    const who: Visibility = caller.role === 'agent' ? { role: 'agent' } : { role: caller.role as 'buyer' | 'seller', id: caller.id };
    const after = req.query.cursor ? decodeCursor(req.query.cursor, ListCursor) : undefined;
    const page = await listDisputes(d.pool, d.schema, { ...(req.query.orderId ? { orderId: req.query.orderId } : {}), who, limit: req.query.limit, ...(after ? { after } : {}) });
    const items = await Promise.all(page.items.map((s) => resourceOf(d.pool, d.schema, s, caller, at)));
    return { items, nextCursor: page.more && page.last ? encodeCursor({ ...page.last }) : null };
  });

  const action = <B extends z.ZodType>(path: string, roles: Role[], body: B, run: (c: Call, b: z.infer<B>) => Promise<CommandResult<DisputeState>>, summary: string) =>
    app.post(`/disputes/:disputeId/${path}`, { config: { roles }, schema: { params: Params, body, tags: ['disputes'], summary } }, async (req, reply) => {
      const caller = callerOf(req);
      const at = now();
      const { disputeId } = req.params;
      await withVersionCheck(req, (expectedVersion) => run({ disputeId, actor: caller, now: at, ...(expectedVersion !== undefined ? { expectedVersion } : {}) }, req.body as z.infer<B>));
      const view = await loadResource(d.pool, d.schema, disputeId, caller, at);
      setVersionHeaders(reply, view.version);
      return view;
    });

  const a = d.actions;
  action('accept', ['buyer', 'seller'], Empty(AcceptBody), (c) => a.accept(c), "Accept the other side's proposal (D4, D5)");
  action('counter-proposals', ['seller'], CounterProposalBody, a.counterPropose, 'Counter-propose: refund, return or resend (D4, D9)');
  action('proposals', ['buyer'], EditProposalBody, a.editProposal, 'Edit the own proposal (D5)');
  action('escalate', ['buyer', 'seller'], Empty(EscalateBody), (c, b) => a.escalate(c, b ?? {}), 'Escalate to arbitration (D6)');
  action('cancel', ['buyer'], Empty(CancelBody), (c) => a.cancel(c), 'Withdraw the dispute (D7)');
  action('messages', ['buyer', 'seller', 'agent'], MessageBody, a.message, 'Message and/or evidence in the thread (D3)');
  action('return-shipment', ['buyer'], ShipmentBody, a.shipReturn, 'The buyer shipped the return (R1, R6)');
  action('return-receipt', ['seller'], ReturnReceiptBody, a.confirmReturn, 'The seller reports the return (R3, R4)');
  action('resend-shipment', ['seller'], ShipmentBody, a.shipResend, 'The seller shipped a replacement (D9)');
  action('ruling', ['agent'], RulingBody, a.rule, 'Arbitration ruling (D8)');
  action('appeal', ['buyer', 'agent'], AppealBody, a.appeal, 'Appeal the ruling, once (R7; agents with onBehalfOf)');
  action('appeal/decision', ['agent'], AppealDecisionBody, a.decideAppeal, 'Decide the appeal (R8)');
};
