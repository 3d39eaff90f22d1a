/** The order service's tables as the release before versioned migrations created them. */
export const up = (s: string): string => `
CREATE TABLE IF NOT EXISTS ${s}.orders_list (
  order_id text PRIMARY KEY,
  buyer_id text NOT NULL,
  seller_id text NOT NULL,
  status text NOT NULL,
  dispute_open boolean NOT NULL DEFAULT false,
  total_amount bigint NOT NULL,
  currency text NOT NULL,
  item_count int NOT NULL,
  placed_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- Keyset pagination per party: (party, placed_at DESC, order_id DESC), optionally by status.
CREATE INDEX IF NOT EXISTS orders_list_buyer ON ${s}.orders_list (buyer_id, placed_at DESC, order_id DESC);
CREATE INDEX IF NOT EXISTS orders_list_seller ON ${s}.orders_list (seller_id, placed_at DESC, order_id DESC);
`;
