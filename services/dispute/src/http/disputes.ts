import { randomUUID } from 'node:crypto';
import type { Role } from '@bp/contracts';
import {
  decodeCursor,
  encodeCursor,
  mergeRefusals,
  operation,
  PageShape,
  refusalsOf,
  type Refusals,
  retryLater,
  setVersionHeaders,
  type FastifyPluginAsyncZod,
} from '@bp/http';
import type { Clock } from '@bp/timers';
import { callerOf } from '@bp/runtime';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { DisputeActions } from '../app/dispute-actions';
import type { DisputeResult } from '../app/handlers';
import { isLiftedByOrderFacts } from '../app/known-orders';
import type { openDispute } from '../app/open-dispute';
import type { DisputeReads } from '../app/prefetch';
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
  DisputeErrors,
  type DisputeErrorCode,
} from '../domain';
import { listDisputes, type Visibility } from '../projections';
import { withVersionCheck } from './version-check';
import { loadResource, resourceAfter, resourceOf } from './views';
import { DisputePage, DisputeViewBody } from './schemas';

const View = { body: DisputeViewBody, description: 'The dispute as the caller sees it', headers: ['ETag'] as const };
/** Every action: not a party (404), not the actor or position the transition table admits. */
const ACTION_REFUSALS: DisputeErrorCode[] = ['DISPUTE_NOT_FOUND', 'ROLE_NOT_ALLOWED', 'ACTION_NOT_ALLOWED'];
const OPEN_REFUSALS: DisputeErrorCode[] = [
  'NOT_ORDER_BUYER',
  'ORDER_NOT_FOUND',
  'ORDER_NOT_SHIPPED',
  'ORDER_ALREADY_CONFIRMED',
  'ORDER_CLOSED',
  'DISPUTE_ALREADY_OPEN',
  'DISPUTE_ALREADY_SETTLED',
  'PROTECTION_EXPIRED',
  'DISPUTE_TOO_EARLY',
  'DISPUTE_ID_TAKEN',
  'DISPUTE_LIMIT_REACHED',
  'REFUND_ABOVE_PAID',
  'REFUND_NOT_POSITIVE',
  'CURRENCY_MISMATCH',
  'EVIDENCE_IMAGE_REQUIRED',
  'RETURN_REQUIRED_FOR_FULL_REFUND',
  'RETURN_WITHOUT_GOODS',
  'REASON_CONTRADICTS_GOODS_RECEIVED',
  'EXTENSION_NOT_DECLINED',
  'EXTENSION_DAYS_OUT_OF_RANGE',
];
/** Evidence named by id must exist and be the caller's (D3). */
const EVIDENCE_REFUSALS: Refusals = { 422: ['EVIDENCE_NOT_FOUND'] };
const ACTION_CODES: Record<string, DisputeErrorCode[]> = {
  accept: [],
  'counter-proposals': ['REFUND_ABOVE_PAID', 'REFUND_NOT_POSITIVE', 'CURRENCY_MISMATCH', 'RETURN_REQUIRED_FOR_FULL_REFUND', 'RETURN_WITHOUT_GOODS'],
  proposals: [
    'REFUND_ABOVE_PAID',
    'REFUND_NOT_POSITIVE',
    'CURRENCY_MISMATCH',
    'RETURN_REQUIRED_FOR_FULL_REFUND',
    'RETURN_WITHOUT_GOODS',
    'EVIDENCE_IMAGE_REQUIRED',
  ],
  escalate: ['ESCALATION_TOO_EARLY'],
  cancel: ['WITHDRAW_AFTER_FAST_REFUND'],
  messages: [],
  'return-shipment': ['RETURN_ALREADY_SHIPPED'],
  'return-receipt': [],
  'resend-shipment': [],
  ruling: ['EVIDENCE_WINDOW_OPEN', 'PROPOSAL_NOT_FOUND', 'OUTCOME_AFTER_FAST_REFUND', 'REFUND_ABOVE_PAID', 'REFUND_NOT_POSITIVE', 'CURRENCY_MISMATCH'],
  appeal: ['APPEAL_ALREADY_FILED', 'APPEAL_WINDOW_CLOSED', 'NOT_ARBITRATED', 'APPEAL_NOT_ALLOWED_RETURN_MISSED', 'APPEAL_SUPERSEDED'],
  'appeal/decision': ['OVERTURN_REFUND_REQUIRED', 'REFUND_ABOVE_PAID', 'REFUND_NOT_POSITIVE', 'CURRENCY_MISMATCH'],
};
/** Agents acting for a buyer (R7) name them, and only there. */
const ON_BEHALF_OF: Refusals = { 400: ['ON_BEHALF_OF_REQUIRED'], 403: ['ON_BEHALF_OF_NOT_ALLOWED'], 422: ['ON_BEHALF_OF_MISMATCH'] };
const operationIdOf = (path: string): string => `${path.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}Dispute`;

export interface DisputeRouteDeps {
  pool: Pool;
  schema: string;
  clock: Clock;
  open: ReturnType<typeof openDispute>;
  actions: DisputeActions;
  /** Sent with the Idempotency-Key claim: the streams each route's command reads first. */
  reads: DisputeReads;
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
  "While this service's consumer is rejoining its group (after a restart) or behind its topics (under load), such a",
  'wait that ends refused answers 503 SERVICE_UNAVAILABLE with Retry-After instead: the fact may exist upstream;',
  'send the same request again.',
  'The dispute itself is read-your-writes: GET /disputes/{id} right after this answer shows it.',
].join(' ');

/** API.md, dispute section: each route parses, names the caller, runs one use case, shows the result. */
export const disputeRoutes =
  (d: DisputeRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const now = () => d.clock.now().toISOString();

    app.post(
      '/disputes',
      {
        config: { roles: ['buyer'], prefetch: (req) => d.reads.open(callerOf(req).id, (req.body as z.infer<typeof OpenDisputeBody>).orderId) },
        schema: {
          body: OpenDisputeBody,
          ...operation({
            operationId: 'openDispute',
            tags: ['disputes'],
            summary: 'Open a dispute (D1, D2)',
            description: OPEN_CONSISTENCY,
            ok: { 201: { ...View, description: 'The dispute opened', headers: ['ETag', 'Location'] } },
            refusals: mergeRefusals(refusalsOf(DisputeErrors, OPEN_REFUSALS), EVIDENCE_REFUSALS),
            retryAfter: [404, 409],
          }),
        },
      },
      async (req, reply) => {
        const caller = callerOf(req);
        const at = now();
        // Ids are the caller's (conventions); with an Idempotency-Key a retry replays this response.
        const disputeId = randomUUID();
        // S3: a refusal a fact still on its way could lift comes only after the wait, with Retry-After.
        const opened = await d.open(caller, disputeId, req.body, at).catch((e: unknown) => {
          throw isLiftedByOrderFacts(e) ? retryLater(e) : e;
        });
        const view = opened.thread ? resourceAfter(opened, opened.thread, caller, at) : await loadResource(d.pool, d.schema, disputeId, caller, at);
        setVersionHeaders(reply, view.version).header('location', `/disputes/${disputeId}`);
        return reply.code(201).send(view);
      },
    );

    app.get(
      '/disputes/:disputeId',
      {
        config: { roles: ['buyer', 'seller', 'agent'] },
        schema: {
          params: Params,
          ...operation({
            operationId: 'getDispute',
            tags: ['disputes'],
            summary: 'The dispute with its thread, proposals, deadlines and allowedActions',
            ok: { 200: View },
            refusals: { 404: ['DISPUTE_NOT_FOUND'] },
          }),
        },
      },
      async (req, reply) => {
        const view = await loadResource(d.pool, d.schema, req.params.disputeId, callerOf(req), now());
        setVersionHeaders(reply, view.version);
        return view;
      },
    );

    app.get(
      '/disputes',
      {
        config: { roles: ['buyer', 'seller', 'agent'] },
        schema: {
          querystring: ListQuery,
          ...operation({
            operationId: 'listDisputes',
            tags: ['disputes'],
            summary: 'Disputes the caller is party to (agents: all), optionally of one order',
            ok: { 200: DisputePage },
          }),
        },
      },
      async (req) => {
        const caller = callerOf(req);
        const at = now();
        const who: Visibility = caller.role === 'agent' ? { role: 'agent' } : { role: caller.role as 'buyer' | 'seller', id: caller.id };
        const after = req.query.cursor ? decodeCursor(req.query.cursor, ListCursor) : undefined;
        const page = await listDisputes(d.pool, d.schema, {
          ...(req.query.orderId ? { orderId: req.query.orderId } : {}),
          who,
          limit: req.query.limit,
          ...(after ? { after } : {}),
        });
        const items = await Promise.all(page.items.map((s) => resourceOf(d.pool, d.schema, s, caller, at)));
        return { items, nextCursor: page.more && page.last ? encodeCursor({ ...page.last }) : null };
      },
    );

    const action = <B extends z.ZodType>(path: string, roles: Role[], body: B, run: (c: Call, b: z.infer<B>) => Promise<DisputeResult>, summary: string) =>
      app.post(
        `/disputes/:disputeId/${path}`,
        {
          config: { roles, prefetch: (req) => d.reads.action((req.params as z.infer<typeof Params>).disputeId) },
          schema: {
            params: Params,
            body,
            ...operation({
              operationId: operationIdOf(path),
              tags: ['disputes'],
              summary,
              ok: { 200: { ...View, description: 'The dispute after the action' } },
              ifMatch: true,
              refusals: mergeRefusals(
                refusalsOf(DisputeErrors, [...ACTION_REFUSALS, ...(ACTION_CODES[path] ?? [])]),
                path.startsWith('appeal') ? ON_BEHALF_OF : undefined,
                ['messages', 'counter-proposals', 'proposals', 'appeal'].includes(path) ? EVIDENCE_REFUSALS : undefined,
              ),
            }),
          },
        },
        async (req, reply) => {
          const caller = callerOf(req);
          const at = now();
          const { disputeId } = req.params;
          const done = await withVersionCheck(req, (expectedVersion) =>
            run({ disputeId, actor: caller, now: at, ...(expectedVersion !== undefined ? { expectedVersion } : {}) }, req.body as z.infer<B>),
          );
          // What the command wrote comes back with its thread (no read of its own); a command that
          // changed nothing reads the dispute as it is.
          const view = done.thread ? resourceAfter(done, done.thread, caller, at) : await loadResource(d.pool, d.schema, disputeId, caller, at);
          setVersionHeaders(reply, view.version);
          return view;
        },
      );

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
