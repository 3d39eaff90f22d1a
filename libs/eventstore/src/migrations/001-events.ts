/**
 * The append-only log. `transaction_id` + `global_position` order the global read (read-all.ts);
 * the unique (stream_id, stream_version) is the optimistic-concurrency guard (append.ts).
 */
export const up = (s: string): string => `
CREATE TABLE IF NOT EXISTS ${s}.events (
  global_position bigserial PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  stream_version int NOT NULL CHECK (stream_version > 0),
  event_id uuid NOT NULL,
  type text NOT NULL,
  schema_version int NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);
CREATE INDEX IF NOT EXISTS events_tx_position_idx ON ${s}.events (transaction_id, global_position);

-- Events are immutable: an old version is read through an upcaster, never rewritten.
CREATE OR REPLACE FUNCTION ${s}.events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
DROP TRIGGER IF EXISTS events_no_update_delete ON ${s}.events;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON ${s}.events
  FOR EACH ROW EXECUTE FUNCTION ${s}.events_are_immutable();
DROP TRIGGER IF EXISTS events_no_truncate ON ${s}.events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.events_are_immutable();
`;
