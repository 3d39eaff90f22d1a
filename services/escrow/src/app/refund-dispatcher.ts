// E4: refunds leave through the provider adapter, asynchronously. The ledger entry and the
// RefundRequested event were committed with the decision; this loop only SENDS them:
//   claim in_flight rows (a short lease, SKIP LOCKED) -> call provider.refund(refundId, amount)
//   outside any transaction -> record CompleteRefund or FailRefundAttempt through the decider.
// The refund id is the provider's idempotency key, and the decider completes a refund once and
// accepts a failure only for the current attempt, so a crash, a lease that ran out, or two
// instances sending the same attempt can never refund twice. The backoff between attempts is the
// domain's deadline (refund_retry), fired by the scheduler on the service clock.
import { commandMetadata, createChannelListener } from '@bp/eventstore';
import type { Clock } from '@bp/timers';
import type { Pool } from 'pg';
import type pino from 'pino';
import { table } from '../projections/sql';
import { REFUND_QUEUE_TABLE, refundChannel } from '../projections/refund-queue';
import type { PaymentProvider, RefundResult } from '../providers';
import type { EscrowApp } from './escrow-app';
import { ESCROW_ACTOR } from './actor';

interface Claimed {
  refund_id: string;
  order_id: string;
  amount: string;
  currency: string;
  attempt: number;
}

export interface RefundDispatcher {
  /** Sends every refund attempt waiting now; returns how many were sent. */
  runOnce(): Promise<number>;
  /**
   * One settle round (`POST /ops/clock`, the runtime's module settle hook): sends what is due now and
   * reports how many outcomes it recorded (`worked`) and how many refunds are still in flight
   * (`pending`: requested and not answered yet, e.g. held by the background loop right now).
   */
  settle(): Promise<{ worked: number; pending: number }>;
  start(): void;
  stop(): Promise<void>;
}

export const createRefundDispatcher = (o: {
  pool: Pool;
  schema: string;
  app: EscrowApp;
  provider: PaymentProvider;
  clock: Clock;
  logger: pino.Logger;
  /** How often an idle dispatcher looks while it cannot LISTEN (default 250 ms). */
  pollIntervalMs?: number;
  /** How often an idle dispatcher looks while it LISTENs, in case a NOTIFY was missed (default 5 s). */
  fallbackPollMs?: number;
  leaseMs?: number;
  batchSize?: number;
  /** After an outcome could not be recorded, send the refund again after this long (default 1 s). */
  retryAfterMs?: number;
}): RefundDispatcher => {
  const t = table(o.schema, REFUND_QUEUE_TABLE);
  const pollMs = o.pollIntervalMs ?? 250;
  const fallbackPollMs = o.fallbackPollMs ?? 5_000;
  const CLAIM = `UPDATE ${t} SET claimed_until = now() + make_interval(secs => $1::double precision / 1000)
    WHERE refund_id IN (SELECT refund_id FROM ${t} WHERE status = 'in_flight' AND (claimed_until IS NULL OR claimed_until < now())
                        ORDER BY requested_at LIMIT $2 FOR UPDATE SKIP LOCKED)
    RETURNING refund_id, order_id, amount::text, currency, attempt`;

  const send = async (r: Claimed): Promise<void> => {
    const amount = { amount: Number(r.amount), currency: r.currency };
    const result: RefundResult = await o.provider
      .refund({ refundId: r.refund_id, orderId: r.order_id, amount })
      .catch((e: unknown) => ({ status: 'failed', error: e instanceof Error ? e.message : String(e) }));
    const now = o.clock.now().toISOString();
    const meta = { now, actor: ESCROW_ACTOR };
    const command =
      result.status === 'succeeded'
        ? { type: 'CompleteRefund' as const, data: { orderId: r.order_id, refundId: r.refund_id, providerRef: result.providerRef }, meta }
        : { type: 'FailRefundAttempt' as const, data: { orderId: r.order_id, refundId: r.refund_id, attempt: r.attempt, error: result.error }, meta };
    await o.app.execute(command, { metadata: commandMetadata(ESCROW_ACTOR, now) });
  };

  // The outcome could not be recorded (the provider call itself is idempotent by refund id):
  // shorten the lease so the next round sends it again soon instead of after the full lease.
  const RELEASE = `UPDATE ${t} SET claimed_until = now() + make_interval(secs => $2::double precision / 1000)
    WHERE refund_id = $1 AND status = 'in_flight'`;
  const retryAfterMs = o.retryAfterMs ?? 1_000;

  // Refunds of one order share one stream: send them one after the other so their outcomes do not
  // race each other for the stream version; different orders go in parallel.
  const sendInOrder = async (refunds: Claimed[]): Promise<number> => {
    let recorded = 0;
    for (const r of refunds) {
      try {
        await send(r);
        recorded++;
      } catch (err) {
        o.logger.warn({ err, orderId: r.order_id, refundId: r.refund_id }, 'refund outcome not recorded; it is sent again shortly');
        await o.pool.query(RELEASE, [r.refund_id, retryAfterMs]).catch(() => undefined);
      }
    }
    return recorded;
  };

  const pass = async (): Promise<{ sent: number; recorded: number }> => {
    let sent = 0;
    let recorded = 0;
    const tried = new Set<string>();
    for (;;) {
      const { rows } = await o.pool.query<Claimed>(CLAIM, [o.leaseMs ?? 30_000, o.batchSize ?? 20]);
      if (rows.length === 0) return { sent, recorded };
      // Only refunds this round already tried came back (their outcome keeps failing): send them
      // once more, then leave the rest to the next round so the loop always ends.
      const onlyRepeats = rows.every((r) => tried.has(r.refund_id));
      const byOrder = new Map<string, Claimed[]>();
      for (const r of rows) {
        tried.add(r.refund_id);
        byOrder.set(r.order_id, [...(byOrder.get(r.order_id) ?? []), r]);
      }
      recorded += (await Promise.all([...byOrder.values()].map(sendInOrder))).reduce((a, b) => a + b, 0);
      sent += rows.length;
      if (onlyRepeats) return { sent, recorded };
    }
  };
  const runOnce = async (): Promise<number> => (await pass()).sent;

  const IN_FLIGHT = `SELECT count(*)::int AS n FROM ${t} WHERE status = 'in_flight'`;
  const settle = async (): Promise<{ worked: number; pending: number }> => {
    const { recorded } = await pass();
    const { rows } = await o.pool.query<{ n: number }>(IN_FLIGHT);
    return { worked: recorded, pending: rows[0]!.n };
  };

  // Woken by the NOTIFY each queued attempt sends at its COMMIT (refund-queue projection); the poll
  // is the safety net, slow while listening, quick while the LISTEN connection is not there.
  const channel = refundChannel(o.schema);
  let notified = false;
  let nudge: (() => void) | undefined;
  const wake = () => {
    notified = true;
    nudge?.();
  };
  const listener = channel
    ? createChannelListener({
        pool: o.pool,
        channel,
        onNotification: wake,
        onLost: wake,
        warn: (err, message) => o.logger.warn({ err }, `refund dispatcher: ${message}`),
      })
    : undefined;
  let running = false;
  let loop: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (notified) return resolve();
      nudge = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      nudge = undefined;
    });

  return {
    runOnce,
    settle,
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          // LISTEN before looking: what committed before it is found by this round.
          const listening = (await listener?.ensure()) ?? false;
          notified = false; // a NOTIFY from here on makes another round
          try {
            await runOnce();
          } catch (err) {
            o.logger.warn({ err }, 'refund dispatch round failed');
          }
          if (running) await sleep(listening ? fallbackPollMs : pollMs);
        }
      })();
    },
    async stop() {
      running = false;
      wake();
      await loop;
      await listener?.stop();
    },
  };
};
