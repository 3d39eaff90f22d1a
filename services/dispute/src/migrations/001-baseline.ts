/** The dispute service's tables as the release before versioned migrations created them. */
export const up = (s: string): string => `
CREATE TABLE IF NOT EXISTS ${s}.dispute_summaries (
  dispute_id    text PRIMARY KEY,
  order_id      text NOT NULL,
  buyer_id      text,
  seller_id     text,
  status        text NOT NULL,
  opened_at     timestamptz,
  version       int NOT NULL,
  state         jsonb NOT NULL,
  queued        boolean NOT NULL DEFAULT false,
  expedited     boolean NOT NULL DEFAULT false,
  escalated_at  timestamptz,
  ruling_due_at timestamptz,
  sla_breached  boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS dispute_summaries_order ON ${s}.dispute_summaries (order_id, opened_at, dispute_id);
CREATE INDEX IF NOT EXISTS dispute_summaries_queue ON ${s}.dispute_summaries ((NOT expedited), ruling_due_at, escalated_at, dispute_id) WHERE queued;

CREATE TABLE IF NOT EXISTS ${s}.dispute_thread (dispute_id text NOT NULL, seq int NOT NULL, entry jsonb NOT NULL, PRIMARY KEY (dispute_id, seq));

CREATE TABLE IF NOT EXISTS ${s}.evidence (
  evidence_id text PRIMARY KEY, sha256 text NOT NULL, content_type text NOT NULL, size bigint NOT NULL,
  uploader_id text NOT NULL, uploader_role text NOT NULL, uploaded_at timestamptz NOT NULL, submission_id text NOT NULL);
`;
