import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { REPLAYED_HEADER } from '../idempotency/plugin';
import { isProblemError } from '../problems/problem';

/** Refusals of a reused Idempotency-Key (not INVALID_IDEMPOTENCY_KEY: that is a malformed header). */
const CONFLICT_CODES = new Set(['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'IDEMPOTENCY_KEY_ANSWER_LOST']);

/**
 * Counts what the idempotency guard answered without running the handler, watched from the outside
 * (the replay header, the refusal's code) so the guard itself stays free of metrics.
 */
export const observeIdempotency = (app: FastifyInstance, registry: Registry): void => {
  const replays = new Counter({
    name: 'bp_idempotency_replays_total',
    help: 'Requests answered with the stored answer of an earlier request with the same Idempotency-Key',
    labelNames: ['route'],
    registers: [registry],
  });
  const conflicts = new Counter({
    name: 'bp_idempotency_conflicts_total',
    help: 'Requests refused because their Idempotency-Key was reused with another body, still in flight, or its answer was lost',
    labelNames: ['code'],
    registers: [registry],
  });
  for (const code of CONFLICT_CODES) conflicts.inc({ code }, 0); // present from the start: dashboards see 0, not "no data"

  app.addHook('onError', async (_request, _reply, err) => {
    if (isProblemError(err) && CONFLICT_CODES.has(err.code)) conflicts.inc({ code: err.code });
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.getHeader(REPLAYED_HEADER) === 'true') replays.inc({ route: request.routeOptions.url ?? 'unmatched' });
  });
};
