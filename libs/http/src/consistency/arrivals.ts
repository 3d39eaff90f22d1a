// S3, read-your-writes across services: a request naming something another service produced (an
// order escrow has not consumed yet) waits here, server-side and bounded, for this service's own
// consumer to record it, instead of answering "unknown" and making the storefront poll.
//
// The consumer's transaction NOTIFYs the key (announceArrival); Postgres delivers it at COMMIT, so a
// woken waiter's next read sees the recorded fact. One LISTEN connection per process serves every
// waiter; without it (database restart) waiters fall back to a slow re-check until it is back.
import { parkRequestTransaction } from '@bp/eventstore';
import type { Notification, Pool, PoolClient } from 'pg';
import type pino from 'pino';
import { quoteIdent, type Queryable } from '../idempotency/migrate';
import { problem, type ProblemError } from '../problems/problem';

/**
 * The channel a service's consumers announce recorded facts on: one per schema, so test copies of a
 * service in other schemas do not wake each other. Undefined when it would not fit an identifier.
 */
export const arrivalChannel = (schema: string): string | undefined => {
  const channel = `bp_known_${schema}`;
  return /^[a-z_][a-z0-9_]{0,62}$/.test(channel) ? channel : undefined;
};

/** In the transaction that recorded `key` (e.g. an order id): wakes its waiters once it commits. */
export const announceArrival = async (tx: Queryable, channel: string, key: string): Promise<void> => {
  await tx.query('SELECT pg_notify($1, $2)', [channel, key]);
};

export interface Arrivals {
  /**
   * Runs `attempt`; while it answers undefined ("not known yet"), waits for `key` to be announced
   * and runs it again, for at most `timeoutMs`. Gives the first defined answer, or undefined.
   */
  until<T>(key: string, attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined>;
  /** Lets the LISTEN connection go; waiters still waiting answer with their last attempt. */
  close(): Promise<void>;
}

export interface ArrivalsOptions {
  pool: Pool;
  /** arrivalChannel(schema); undefined: no LISTEN, waiters only re-check. */
  channel: string | undefined;
  logger: pino.Logger;
  /** Re-check interval while no LISTEN connection is up (default 500 ms): the safety net only. */
  recheckMs?: number;
  /**
   * The consumer that records the facts (GroupMembership in @bp/messaging). A wait that ends with
   * nothing known answers 503 with Retry-After (catchingUp) instead of "unknown" when that consumer
   * was not consuming throughout it (after a restart it rejoins only once the dead member's session
   * expired, longer than any wait), or had not consumed what its topics held late in the wait
   * (starved under load, the fact may be in Kafka already). Absent: the answer is always "unknown".
   */
  consumer?: {
    consumedThroughout(from: number): boolean;
    backlogNow(): () => Promise<boolean>;
  };
}

/**
 * The consumer was not consuming, or is behind: the fact may well exist upstream. The kit's own 503
 * (SERVICE_UNAVAILABLE with Retry-After, every route documents it): the client sends the same request
 * again, and an Idempotency-Key does not keep the answer.
 */
const catchingUp = (why: string): ProblemError =>
  problem('SERVICE_UNAVAILABLE', 503, `the service is catching up on events from other services (${why}); retry shortly`, {
    headers: { 'retry-after': '1' },
  });

/**
 * When the consumed topics' ends are noted: late in the wait, so a fact an upstream service was slow
 * to publish is covered too, yet leaving the consumer a fifth of the wait, and at least a second, to
 * commit past the mark. Erring late turns a true "unknown" into a 503 under load (the client sends it
 * again); erring early would tell a storefront that an order it has just placed is unknown.
 */
const backlogMarkAt = (waitMs: number): number => Math.max(0, waitMs - Math.max(1000, waitMs / 5));

export const createArrivals = (o: ArrivalsOptions): Arrivals => {
  const recheckMs = o.recheckMs ?? 500;
  const waiters = new Map<string, Set<() => void>>();
  let listener: PoolClient | undefined;
  let connecting: Promise<boolean> | undefined;
  let closed = false;

  const wakeAll = () => {
    for (const set of waiters.values()) for (const w of set) w();
  };
  const onNotification = (n: Notification) => {
    if (n.channel !== o.channel || n.payload === undefined) return;
    for (const w of waiters.get(n.payload) ?? []) w();
  };

  /** True once this process LISTENs; connects on the first wait (a service that never waits holds no connection). */
  const listening = (): Promise<boolean> => {
    if (listener) return Promise.resolve(true);
    const channel = o.channel;
    if (closed || channel === undefined) return Promise.resolve(false);
    connecting ??= (async () => {
      const c = await o.pool.connect();
      try {
        c.on('notification', onNotification);
        c.on('error', (err) => {
          o.logger.warn({ err }, 'arrivals LISTEN connection failed; waiters re-check until it is back');
          if (listener !== c) return;
          listener = undefined;
          c.release(err);
          wakeAll(); // they go on re-checking
        });
        await c.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (e) {
        c.release(e as Error);
        throw e;
      }
      if (closed) {
        c.release(true);
        return false;
      }
      listener = c;
      return true;
    })()
      .catch((err: unknown) => {
        o.logger.warn({ err }, 'arrivals LISTEN failed; waiters re-check meanwhile');
        return false;
      })
      .finally(() => (connecting = undefined));
    return connecting;
  };

  const until = async <T>(key: string, attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> => {
    const startedAt = Date.now();
    const first = await attempt();
    if (first !== undefined || timeoutMs <= 0 || closed) return first; // the common case: already known
    const deadline = startedAt + timeoutMs;
    // What the consumed topics hold late in the wait (backlogMarkAt): taken then, not at
    // once, so an answer that comes quickly (the usual case) costs no broker request.
    let backlog: (() => Promise<boolean>) | undefined;
    const consumer = o.consumer;
    const marking = consumer ? setTimeout(() => (backlog = consumer.backlogNow()), backlogMarkAt(timeoutMs)) : undefined;
    /** Unknown at the end: trusted only when the consumer was consuming for the whole wait and kept up. */
    const unknown = async (): Promise<undefined> => {
      if (!consumer || closed) return undefined;
      if (!consumer.consumedThroughout(startedAt)) throw catchingUp('its consumer is rejoining its group');
      if (!(await (backlog ?? consumer.backlogNow())())) throw catchingUp('its consumer is behind');
      return undefined;
    };
    let signalled = false;
    let wake: (() => void) | undefined;
    const waiter = () => {
      signalled = true;
      wake?.();
    };
    const set = waiters.get(key) ?? new Set();
    waiters.set(key, set.add(waiter));
    try {
      for (;;) {
        const live = await listening();
        // Registered and listening before this attempt: a commit after it wakes us, one before it is seen by it.
        signalled = false;
        const answer = await attempt();
        const left = deadline - Date.now();
        if (answer !== undefined || closed) return answer;
        if (left <= 0) return await unknown();
        // A keyed request holding its transaction (nothing written yet) gives the connection back
        // while it waits: the consumer it waits for may need one from the same pool.
        await parkRequestTransaction();
        await new Promise<void>((resolve) => {
          if (signalled) return resolve();
          const t = setTimeout(resolve, live ? left : Math.min(left, recheckMs));
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      clearTimeout(marking);
      set.delete(waiter);
      if (set.size === 0) waiters.delete(key);
    }
  };

  const close = async () => {
    closed = true;
    await connecting;
    const c = listener;
    listener = undefined;
    c?.release(true); // a LISTENing connection must not go back to the pool
    wakeAll();
  };

  return { until, close };
};
