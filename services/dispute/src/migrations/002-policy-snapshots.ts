/**
 * Issue #18 item 6: the policy snapshot leaves the dispute rows for a table of its own, one row per
 * content. Existing rows are converted: the snapshot (on the open dispute, or on the terms recorded
 * before it opened) is stored under the sha256 of its jsonb text (the hash the projection computes,
 * see projections/jsonb-text.ts), referred to by `policy_hash`, and removed from `state`.
 */
export const up = (s: string): string => `
CREATE TABLE ${s}.dispute_policy_snapshots (hash text PRIMARY KEY, policy jsonb NOT NULL);
ALTER TABLE ${s}.dispute_summaries ADD COLUMN policy_hash text;

WITH inline AS (
  SELECT dispute_id, policy, encode(sha256(convert_to(policy::text, 'UTF8')), 'hex') AS hash
  FROM (SELECT dispute_id, CASE WHEN state->>'status' = 'none' THEN state #> '{terms,policy}' ELSE state -> 'policy' END AS policy
        FROM ${s}.dispute_summaries) rows
  WHERE jsonb_typeof(policy) = 'object'
), stored AS (
  INSERT INTO ${s}.dispute_policy_snapshots (hash, policy) SELECT DISTINCT ON (hash) hash, policy FROM inline ON CONFLICT (hash) DO NOTHING
)
UPDATE ${s}.dispute_summaries d
SET policy_hash = inline.hash, state = CASE WHEN d.state->>'status' = 'none' THEN d.state #- '{terms,policy}' ELSE d.state - 'policy' END
FROM inline WHERE d.dispute_id = inline.dispute_id;
`;
