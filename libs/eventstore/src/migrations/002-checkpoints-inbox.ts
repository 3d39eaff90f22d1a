/** Durable named read positions (relay, async projections) and consumed event ids (inbox). */
export const up = (s: string): string => `
CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
  name text PRIMARY KEY,
  tx_id xid8 NOT NULL,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${s}.inbox (
  event_id uuid PRIMARY KEY,
  source text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
`;
