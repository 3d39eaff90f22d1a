/** The notification service's tables as the release before versioned migrations created them. */
export const up = (s: string): string => `
CREATE TABLE IF NOT EXISTS ${s}.message_center (
  notice_id text PRIMARY KEY,
  recipient_id text NOT NULL,
  order_id text NOT NULL,
  kind text NOT NULL,
  deadline timestamptz,
  vars jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  read_at timestamptz
);
CREATE INDEX IF NOT EXISTS message_center_recipient ON ${s}.message_center (recipient_id, created_at DESC, notice_id DESC);
CREATE INDEX IF NOT EXISTS message_center_unread ON ${s}.message_center (recipient_id) WHERE read_at IS NULL;

CREATE TABLE IF NOT EXISTS ${s}.webhook_subscriptions (
  subscription_id text PRIMARY KEY,
  partner_id text NOT NULL,
  url text NOT NULL,
  event_types text[] NOT NULL,
  status text NOT NULL,
  consecutive_failures int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_subscriptions_types ON ${s}.webhook_subscriptions USING gin (event_types) WHERE status = 'active';
CREATE INDEX IF NOT EXISTS webhook_subscriptions_partner ON ${s}.webhook_subscriptions (partner_id, created_at DESC, subscription_id DESC);

CREATE TABLE IF NOT EXISTS ${s}.webhook_deliveries (
  delivery_id text PRIMARY KEY,
  subscription_id text NOT NULL,
  event_id text NOT NULL,
  ce_type text NOT NULL,
  status text NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  last_status int,
  last_error text,
  next_attempt_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_sub ON ${s}.webhook_deliveries (subscription_id, created_at DESC, delivery_id DESC);

-- Consumed events waiting for their OrderPlaced (app/parking), CloudEvent attributes kept whole:
-- a replayed event also feeds partner webhooks.
CREATE TABLE IF NOT EXISTS ${s}.parked_events (
  id             bigserial PRIMARY KEY,
  order_id       text NOT NULL,
  event_id       text NOT NULL UNIQUE,
  ce_type        text NOT NULL,
  type           text NOT NULL,
  source         text NOT NULL,
  subject        text NOT NULL,
  time           text NOT NULL,
  data           jsonb NOT NULL,
  correlation_id text,
  causation_id   text,
  topic          text NOT NULL,
  partition      int NOT NULL,
  kafka_offset   text NOT NULL,
  received_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS parked_events_order ON ${s}.parked_events (order_id, id);
`;
