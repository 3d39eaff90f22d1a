import { outsideRequest } from '@bp/eventstore';
import { z } from 'zod';
import type { ServiceApp } from '@bp/http';
import { durationMs, isIsoDuration } from '@bp/timers';
import type { ServiceName } from './config';
import { settleAll, type SettleParticipant, type SettleReport } from './settle';
import type { SharedClock } from './shared-clock';

const AdvanceBody = z.strictObject({
  advanceBy: z.string().refine(isIsoDuration, 'an ISO-8601 duration such as P6D or PT12H'),
});
const ClockView = z.object({ now: z.string(), simulated: z.literal(true) });
const SettleView = z.object({ fired: z.number(), published: z.number(), lag: z.number(), worked: z.number().optional(), pending: z.number().optional() });
const AdvanceView = ClockView.extend({ rounds: z.number(), fired: z.number(), published: z.number() });

/**
 * One settle round of a peer must answer within this: settleAll already gives up after a minute
 * without progress, and a peer that never answers (its pool stuck) would otherwise hold the clock
 * move, and its caller, for as long as the socket stays open. Failing, the move answers 500 and the
 * caller settles again once the peer is back.
 */
export const PEER_SETTLE_TIMEOUT_MS = 60_000;

/** Another service of the deployment, settled over HTTP (POST /ops/clock/settle), bounded in time. */
export const peerParticipant = (name: string, url: string, authorization: string | undefined, timeoutMs = PEER_SETTLE_TIMEOUT_MS): SettleParticipant => ({
  name,
  settle: async () => {
    // A timer cleared as soon as the round is answered: AbortSignal.timeout would keep every signal
    // (and what the request hangs on it) alive for the whole bound, thousands of them in a busy settle.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    try {
      const res = await fetch(`${url}/ops/clock/settle`, { method: 'POST', headers: { authorization: authorization ?? '' }, signal: abort.signal }).catch(
        (err: unknown) => {
          // Timed out: the bound's own reason says so.
          throw new Error(`${name} could not settle: ${abort.signal.aborted ? (abort.signal.reason as Error).message : String(err)}`, { cause: err });
        },
      );
      if (!res.ok) throw new Error(`${name} could not settle: HTTP ${res.status}`);
      return SettleView.parse(await res.json());
    } finally {
      clearTimeout(timer);
    }
  },
});

/**
 * The simulated clock of the whole deployment (only with CLOCK=simulated; never in production).
 * `POST /ops/clock` moves the shared time, then asks every service to settle until the system is at
 * rest, so when it returns every deadline that came due has fired and its consequences landed.
 */
export const clockRoutes = async (
  app: ServiceApp,
  o: { clock: SharedClock; self: ServiceName; settle: () => Promise<SettleReport>; serviceUrls: () => Record<string, string> },
) => {
  const participants = (authorization: string | undefined): SettleParticipant[] =>
    Object.entries(o.serviceUrls()).map(([name, url]) => (name === o.self ? { name, settle: o.settle } : peerParticipant(name, url, authorization)));

  app.get(
    '/ops/clock',
    { config: { roles: ['ops', 'agent', 'buyer', 'seller', 'partner'] }, schema: { tags: ['ops'], response: { 200: ClockView } } },
    async () => ({
      now: (await o.clock.refresh()).toISOString(),
      simulated: true as const,
    }),
  );

  // Moving the clock and settling drive the whole service (its scheduler, relay and consumers commit
  // their own transactions, and the new time must be seen by the others at once): not part of a
  // keyed request's transaction (@bp/eventstore outsideRequest).
  app.post('/ops/clock', { config: { roles: ['ops'] }, schema: { tags: ['ops'], body: AdvanceBody, response: { 200: AdvanceView } } }, async (req) =>
    outsideRequest(async () => {
      const now = await o.clock.advance(durationMs(req.body.advanceBy));
      const result = await settleAll(participants(req.headers.authorization));
      return { now: now.toISOString(), simulated: true as const, ...result };
    }),
  );

  app.post('/ops/clock/settle', { config: { roles: ['ops'] }, schema: { tags: ['ops'], response: { 200: SettleView } } }, async () =>
    outsideRequest(() => o.settle()),
  );
};
