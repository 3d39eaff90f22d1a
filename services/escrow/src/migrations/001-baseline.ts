/** The escrow service's tables as the release before versioned migrations created them. */
export const up = (s: string): string => `
CREATE TABLE IF NOT EXISTS ${s}.escrows (
  order_id  text PRIMARY KEY,
  buyer_id  text NOT NULL,
  seller_id text NOT NULL,
  status    text NOT NULL,
  settled   boolean NOT NULL,
  releases  int NOT NULL,
  version   int NOT NULL,
  state     jsonb NOT NULL
);

-- The double-entry ledger (E1): one row per posting.
CREATE TABLE IF NOT EXISTS ${s}.ledger_entries (
  entry_id  text PRIMARY KEY,
  order_id  text NOT NULL,
  seller_id text NOT NULL,
  seq       bigint NOT NULL,
  debit     text NOT NULL,
  credit    text NOT NULL,
  amount    bigint NOT NULL,
  currency  text NOT NULL,
  reason    text NOT NULL,
  at        timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_entries_order ON ${s}.ledger_entries (order_id, currency, seq);
CREATE INDEX IF NOT EXISTS ledger_entries_seller ON ${s}.ledger_entries (seller_id) WHERE debit = 'seller_payable' OR credit = 'seller_payable';

CREATE TABLE IF NOT EXISTS ${s}.refund_queue (
  refund_id     text PRIMARY KEY,
  order_id      text NOT NULL,
  amount        bigint NOT NULL,
  currency      text NOT NULL,
  status        text NOT NULL,
  attempt       int NOT NULL,
  requested_at  timestamptz NOT NULL,
  claimed_until timestamptz
);
CREATE INDEX IF NOT EXISTS refund_queue_due ON ${s}.refund_queue (requested_at) WHERE status = 'in_flight';

-- Commands waiting for a fact about their order (app/parking).
CREATE TABLE IF NOT EXISTS ${s}.parked_commands (
  id          bigserial PRIMARY KEY,
  order_id    text NOT NULL,
  waiting_for text NOT NULL,
  command     jsonb NOT NULL,
  causation   jsonb NOT NULL,
  parked_at   timestamptz NOT NULL,
  reason      text NOT NULL
);
CREATE INDEX IF NOT EXISTS parked_commands_order ON ${s}.parked_commands (order_id, waiting_for, id);
`;
