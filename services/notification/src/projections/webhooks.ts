// Partner webhook read models: the subscriptions (which the consumer scans to fan an event out, and
// GET /webhooks lists) and the delivery log per subscription (GET /webhooks/{id}/deliveries).
// Secrets are not copied here: only the subscription's stream holds them.
import type { EventEnvelope } from '@bp/contracts';
import { jsonRows, keyedBatch, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import { migrateNotificationTables } from '../migrations';

const subs = (schema: string) => `"${schema}".webhook_subscriptions`;
const deliveries = (schema: string) => `"${schema}".webhook_deliveries`;

type D = Record<string, unknown>;

export const subscriptionsProjection = (schema: string): Projection => ({
  name: 'webhook_subscriptions',
  handles: ['WebhookSubscribed', 'WebhookUnsubscribed', 'WebhookPaused', 'WebhookDeliveryOutcomeNoted'],
  // The tables are the service's versioned migrations (../migrations), run whole.
  migrate: (db) => migrateNotificationTables(db, schema),
  apply: async (tx, e: EventEnvelope) => {
    const d = e.data as D;
    switch (e.type) {
      case 'WebhookSubscribed':
        await tx.query(
          `INSERT INTO ${subs(schema)} (subscription_id, partner_id, url, event_types, status, created_at) VALUES ($1, $2, $3, $4, 'active', $5)
           ON CONFLICT (subscription_id) DO NOTHING`,
          [d.subscriptionId, d.partnerId, d.url, d.eventTypes, d.at],
        );
        return;
      case 'WebhookUnsubscribed':
        await tx.query(`UPDATE ${subs(schema)} SET status = 'deleted' WHERE subscription_id = $1`, [d.subscriptionId]);
        return;
      case 'WebhookPaused':
        await tx.query(`UPDATE ${subs(schema)} SET status = 'paused' WHERE subscription_id = $1`, [d.subscriptionId]);
        return;
      default:
        await tx.query(`UPDATE ${subs(schema)} SET consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures + 1 END WHERE subscription_id = $1`, [
          d.subscriptionId,
          d.ok,
        ]);
    }
  },
  reset: async (tx) => void (await tx.query(`TRUNCATE ${subs(schema)}`)),
  // Rebuild: `apply`'s INSERT-if-absent / UPDATE-if-present, folded in memory.
  rebuildBatch: (opts) =>
    keyedBatch<D>(
      {
        key: (e) => (e.data as D).subscriptionId as string,
        fold: (row, e) => {
          const d = e.data as D;
          if (e.type === 'WebhookSubscribed')
            return (
              row ?? {
                subscription_id: d.subscriptionId,
                partner_id: d.partnerId,
                url: d.url,
                event_types: d.eventTypes,
                status: 'active',
                consecutive_failures: 0,
                created_at: d.at,
              }
            );
          if (!row) return row;
          if (e.type === 'WebhookUnsubscribed') row.status = 'deleted';
          else if (e.type === 'WebhookPaused') row.status = 'paused';
          else row.consecutive_failures = d.ok === true ? 0 : (row.consecutive_failures as number) + 1;
          return row;
        },
        ...jsonRows<D>(subs(schema), 'subscription_id', [
          'subscription_id',
          'partner_id',
          'url',
          'event_types',
          'status',
          'consecutive_failures',
          'created_at',
        ]),
      },
      opts,
    ),
});

export const deliveriesProjection = (schema: string): Projection => ({
  name: 'webhook_deliveries',
  handles: ['DeliveryScheduled', 'DeliveryAttempted', 'DeliveryRequeued'],
  // The tables are the service's versioned migrations (../migrations), run whole.
  migrate: (db) => migrateNotificationTables(db, schema),
  apply: async (tx, e: EventEnvelope) => {
    const d = e.data as D;
    switch (e.type) {
      case 'DeliveryScheduled':
        await tx.query(
          `INSERT INTO ${deliveries(schema)} (delivery_id, subscription_id, event_id, ce_type, status, next_attempt_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'pending', $5, $5, $5) ON CONFLICT (delivery_id) DO NOTHING`,
          [d.deliveryId, d.subscriptionId, d.eventId, d.ceType, d.at],
        );
        return;
      case 'DeliveryRequeued':
        await tx.query(`UPDATE ${deliveries(schema)} SET status = 'pending', next_attempt_at = $2, updated_at = $2 WHERE delivery_id = $1`, [
          d.deliveryId,
          d.at,
        ]);
        return;
      default:
        await tx.query(
          `UPDATE ${deliveries(schema)} SET attempts = $2, last_status = $3, last_error = $4, next_attempt_at = $5, updated_at = $6,
             status = CASE WHEN $7 THEN 'succeeded' WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'pending' END
           WHERE delivery_id = $1`,
          [d.deliveryId, d.attempt, d.status, d.error, d.nextAttemptAt, d.at, d.ok],
        );
    }
  },
  reset: async (tx) => void (await tx.query(`TRUNCATE ${deliveries(schema)}`)),
  // Rebuild: `apply`'s INSERT-if-absent / UPDATE-if-present, folded in memory.
  rebuildBatch: (opts) =>
    keyedBatch<D>(
      {
        key: (e) => (e.data as D).deliveryId as string,
        fold: (row, e) => {
          const d = e.data as D;
          if (e.type === 'DeliveryScheduled')
            return (
              row ?? {
                delivery_id: d.deliveryId,
                subscription_id: d.subscriptionId,
                event_id: d.eventId,
                ce_type: d.ceType,
                status: 'pending',
                attempts: 0,
                last_status: null,
                last_error: null,
                next_attempt_at: d.at,
                created_at: d.at,
                updated_at: d.at,
              }
            );
          if (!row) return row;
          if (e.type === 'DeliveryRequeued') return Object.assign(row, { status: 'pending', next_attempt_at: d.at ?? null, updated_at: d.at ?? null });
          const next = d.nextAttemptAt ?? null;
          return Object.assign(row, {
            attempts: d.attempt ?? null,
            last_status: d.status ?? null,
            last_error: d.error ?? null,
            next_attempt_at: next,
            updated_at: d.at ?? null,
            status: d.ok === true ? 'succeeded' : next === null ? 'failed' : 'pending',
          });
        },
        ...jsonRows<D>(deliveries(schema), 'delivery_id', [
          'delivery_id',
          'subscription_id',
          'event_id',
          'ce_type',
          'status',
          'attempts',
          'last_status',
          'last_error',
          'next_attempt_at',
          'created_at',
          'updated_at',
        ]),
      },
      opts,
    ),
});

/** Active subscriptions that want this CloudEvents type (N5 fan-out). */
export const activeSubscriptionsFor = async (tx: PoolClient, schema: string, ceType: string): Promise<string[]> => {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT subscription_id AS id FROM ${subs(schema)} WHERE status = 'active' AND event_types @> ARRAY[$1]::text[] ORDER BY subscription_id`,
    [ceType],
  );
  return rows.map((r) => r.id);
};

export interface SubscriptionRow {
  id: string;
  url: string;
  eventTypes: string[];
  status: string;
  consecutiveFailures: number;
  createdAt: string;
}

export const listSubscriptions = async (
  db: Pool,
  schema: string,
  partnerId: string,
  limit: number,
  after?: { createdAt: string; id: string },
): Promise<SubscriptionRow[]> => {
  const { rows } = await db.query<{
    subscription_id: string;
    url: string;
    event_types: string[];
    status: string;
    consecutive_failures: number;
    created_at: Date;
  }>(
    `SELECT subscription_id, url, event_types, status, consecutive_failures, created_at FROM ${subs(schema)}
     WHERE partner_id = $1 AND status <> 'deleted' AND ($2::timestamptz IS NULL OR (created_at, subscription_id) < ($2::timestamptz, $3::text))
     ORDER BY created_at DESC, subscription_id DESC LIMIT $4`,
    [partnerId, after?.createdAt ?? null, after?.id ?? '', limit],
  );
  return rows.map((r) => ({
    id: r.subscription_id,
    url: r.url,
    eventTypes: r.event_types,
    status: r.status,
    consecutiveFailures: r.consecutive_failures,
    createdAt: r.created_at.toISOString(),
  }));
};

export interface DeliveryRow {
  id: string;
  eventId: string;
  ceType: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const listDeliveries = async (
  db: Pool,
  schema: string,
  subscriptionId: string,
  limit: number,
  after?: { createdAt: string; id: string },
): Promise<DeliveryRow[]> => {
  const { rows } = await db.query<{
    delivery_id: string;
    event_id: string;
    ce_type: string;
    status: string;
    attempts: number;
    last_status: number | null;
    last_error: string | null;
    next_attempt_at: Date | null;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT * FROM ${deliveries(schema)}
     WHERE subscription_id = $1 AND ($2::timestamptz IS NULL OR (created_at, delivery_id) < ($2::timestamptz, $3::text))
     ORDER BY created_at DESC, delivery_id DESC LIMIT $4`,
    [subscriptionId, after?.createdAt ?? null, after?.id ?? '', limit],
  );
  return rows.map((r) => ({
    id: r.delivery_id,
    eventId: r.event_id,
    ceType: r.ce_type,
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
};
