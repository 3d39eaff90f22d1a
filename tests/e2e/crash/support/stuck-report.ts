import { randomUUID } from 'node:crypto';
import { Topics } from '@bp/contracts';
import { startPartner } from './partner';
import type { ServiceProcesses } from './processes';

/** The gauges an operator reads first when a lifecycle stops moving (issue 16 item 4: which hop stalled). */
const WATCHED = /^(bp_relay_unpublished_events|bp_relay_oldest_unpublished_age_seconds|bp_consumer_lag_messages|bp_consumer_dead_letters_total)\{/;

/**
 * Scrapes every live instance's /metrics and keeps the non-zero relay and consumer-lag gauges, so a
 * stalled campaign says whether the order was never published (relay), published but not consumed
 * (a partition's lag), or consumed and still not visible. Instances down at that moment say so.
 */
export const stuckReport = async (s: ServiceProcesses): Promise<string> => {
  const lines: string[] = [];
  for (const [service, urls] of Object.entries(s.instanceUrls)) {
    for (const [n, url] of urls.entries()) {
      const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3000) }).then(
        (r) => r.text(),
        (e: Error) => `down: ${e.message}`,
      );
      const busy = text.split('\n').filter((l) => WATCHED.test(l) && Number(l.split(' ').pop()) > 0);
      lines.push(`${service}#${n + 1}: ${text.startsWith('down:') ? text : busy.length ? busy.join('; ') : 'no relay backlog, no consumer lag'}`);
    }
  }
  return lines.join('\n');
};

/**
 * For orders that did not reach their final state: each service's log of the order (types in order)
 * and the order's deadline rows, so a failed run says which hop of the chain is missing.
 */
export const stuckOrders = async (s: ServiceProcesses, orderIds: readonly string[]): Promise<string> => {
  const lines: string[] = [];
  for (const id of orderIds.slice(0, 3)) {
    for (const schema of ['order', 'escrow', 'dispute']) {
      const { rows } = await s.pool
        .query<{ type: string; at: string }>(
          `SELECT type, to_char(recorded_at, 'HH24:MI:SS.MS') AS at FROM "${schema}".events WHERE data->>'orderId' = $1 ORDER BY global_position`,
          [id],
        )
        .catch((e: Error) => ({ rows: [{ type: `(${e.message})`, at: '' }] }));
      lines.push(`${id} ${schema}: ${rows.map((r) => `${r.type}@${r.at}`).join(' ')}`);
    }
    const { rows } = await s.pool
      .query<{ kind: string; due_at: Date; next_at: Date | null; attempts: number; last_error: string | null; fired_at: Date | null }>(
        'SELECT kind, due_at, next_at, attempts, last_error, fired_at FROM "order".deadlines WHERE stream_id = $1',
        [id],
      )
      .catch(() => ({ rows: [] }));
    lines.push(`${id} order deadlines: ${JSON.stringify(rows)}`);
  }
  return lines.join('\n');
};

/** What orders.v1 and escrow.v1 hold for one order, read by a fresh group from the beginning. */
export const orderOnTopics = async (s: ServiceProcesses, orderId: string): Promise<string> => {
  const partner = await startPartner({ brokers: s.brokers, topics: [Topics.orders, Topics.escrow], groupId: `stuck-${randomUUID().slice(0, 8)}` });
  try {
    // Read until the count stops growing for a few seconds (the topics are small).
    let last = -1;
    for (let i = 0; i < 30 && partner.events().length !== last; i++) {
      last = partner.events().length;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const mine = partner.events().filter((e) => e.subject === orderId);
    return `${orderId} on topics: ${mine.map((e) => `${e.topic}:${e.type}`).join(' ') || '(nothing)'}`;
  } finally {
    await partner.stop();
  }
};
