// S3, read-your-writes for storefronts: POST /payments or GET /escrows/{orderId} right after
// POST /orders names an order whose OrderPlaced escrow may not have consumed yet (~10-60 ms). The
// request waits for it here (bounded by policy api.readYourWritesWait), woken by the NOTIFY of the
// consumer's transaction that records the order, instead of answering 404 and making the client poll.
import { announceArrival, arrivalChannel, createArrivals, nextVersion, type ArrivalsOptions, type ChangeWait } from '@bp/http';
import type { Pool, PoolClient } from 'pg';
import type pino from 'pino';
import { readEscrow, type EscrowRow } from '../projections/escrows';

export interface KnownOrders {
  /** The order's escrow row; when escrow has not recorded the order yet, waits for it (bounded). */
  read(orderId: string): Promise<EscrowRow | undefined>;
  /** The order's escrow row once it is past `wait.version` (GET with Prefer: wait), or as it is after `wait.ms`. */
  readNewer(orderId: string, wait: ChangeWait): Promise<EscrowRow>;
  /** In each transaction that changes the order's escrow (the first records it): wakes its readers at commit. */
  announce(tx: PoolClient, orderId: string): Promise<void>;
  /** Ends every wait at once (they answer what they have) and lets the LISTEN connection go. */
  close(): Promise<void>;
}

export const createKnownOrders = (o: {
  pool: Pool;
  schema: string;
  logger: pino.Logger;
  waitMs: number;
  /** The orders consumer: unknown after a wait it was not consuming throughout, or behind, is a 503 (arrivals.ts). */
  consumer: ArrivalsOptions['consumer'];
}): KnownOrders => {
  const channel = arrivalChannel(o.schema);
  // readNewer is asked only about a row just read: one gone meanwhile is a replay's TRUNCATE, not the caller's doing.
  const readKnown = async (orderId: string): Promise<EscrowRow> => {
    const row = await readEscrow(o.pool, o.schema, orderId);
    if (!row) throw new Error(`escrow row of order ${orderId} vanished while a request waited on it`);
    return row;
  };
  const arrivals = createArrivals({ pool: o.pool, channel, logger: o.logger, consumer: o.consumer });
  return {
    read: (orderId) => arrivals.until(orderId, () => readEscrow(o.pool, o.schema, orderId), o.waitMs),
    readNewer: (orderId, wait) => nextVersion(arrivals, orderId, () => readKnown(orderId), wait),
    announce: async (tx, orderId) => {
      if (channel) await announceArrival(tx, channel, orderId);
    },
    close: () => arrivals.close(),
  };
};
