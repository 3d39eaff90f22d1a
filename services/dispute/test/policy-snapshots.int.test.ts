// Issue #18 item 6: the policy snapshot is stored once per content, out of the dispute rows. Rows of
// the release before (snapshot inline, migration v1) are converted by v2 and read exactly as before;
// the projection writes one snapshot row for many disputes, the same rows event by event and batched.
import { systemActor } from '@bp/contracts';
import { createEventStore, type EventStore, rebuildProjection, runMigrations } from '@bp/eventstore';
import { testDatabase, type TestDatabase } from '@bp/testing';
import { PolicySnapshotSchema, type PolicySnapshot } from '@bp/timers';
import type { Pool } from 'pg';
import { disputeRegistry } from '../src/app/registry';
import { appealQueueItemOf, disputeStreamId, type DisputeEvent, type DisputeState } from '../src/domain';
import { disputeMigrations } from '../src/migrations';
import { appealQueuePage, disputeProjections, disputesProjection, getDispute, listDisputes } from '../src/projections';
import { jsonbText } from '../src/projections/jsonb-text';
import { policyHash } from '../src/projections/policy-snapshots';
import * as D from './domain/fixtures';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase('dispute_policy');
});
afterAll(async () => {
  await db?.close();
});

const meta = { now: D.day(7), correlationId: 'c-1', causationId: null, actor: systemActor('test') };

/** A dispute `id` under `policy`: opened, then `more` commands (the fixtures' decider runs them). */
const disputeEvents = (id: string, policy: PolicySnapshot = D.policy, ...more: Parameters<typeof D.history>): DisputeEvent[] =>
  D.history(D.open({ disputeId: id, orderId: `order-${id}`, order: D.facts({ orderId: `order-${id}`, policy }) }), ...more);

const counter = D.cmd('CounterPropose', { solution: { type: 'REFUND_ONLY', refund: D.usd(2000) }, message: 'half?', evidence: [] }, D.seller, D.day(8));
const appealed = (id: string) =>
  disputeEvents(
    id,
    D.policy,
    D.cmd('Escalate', {}, D.buyer, D.day(10)),
    D.cmd('Rule', { refund: D.usd(2000), returnRequired: false, note: 'partial' }, D.agent, D.day(15)),
    D.cmd(
      'FileAppeal',
      { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: ['MESSAGE_HISTORY_SUFFICIENT'], statement: 'again', evidence: [] },
      D.buyer,
      D.day(16),
    ),
  );

const newStore = async (schema: string): Promise<EventStore> => {
  await db.pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const store = createEventStore({ pool: db.pool, schema, registry: disputeRegistry() });
  await store.migrate();
  return store;
};

const count = async (pool: Pool, sql: string): Promise<number> => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n;

describe('the canonical text a snapshot is hashed over', () => {
  it('is PostgreSQL’s own jsonb text, so node and a SQL migration hash alike', async () => {
    const values: unknown[] = [
      D.policy,
      { b: { y: 1, x: [1, 2, {}, []], é: 'q\u001f/"\\' }, a: 'é\n\t', bb: null, c: true, skipped: undefined },
      { small: 1e-7, tiny: -1.23e-9, big: 1.5e21, half: 0.5, neg: -3, zero: -0, pi: Math.PI },
    ];
    for (const v of values) {
      const { rows } = await db.pool.query<{ t: string }>('SELECT $1::jsonb::text AS t', [JSON.stringify(v)]);
      expect(jsonbText(v)).toBe(rows[0]!.t);
    }
  });
});

describe('migration v2 on rows the release before wrote (snapshot inline)', () => {
  it('moves the snapshot out once, and every reader answers as before', async () => {
    const schema = `${db.schema}_v1`;
    const store = await newStore(schema);
    await runMigrations(db.pool, schema, 'dispute', disputeMigrations.slice(0, 1));
    const histories: Record<string, DisputeEvent[]> = {
      'd-1': disputeEvents('d-1'),
      'd-2': disputeEvents('d-2', D.policy, counter),
      'd-3': appealed('d-3'),
      'd-4': disputeEvents('d-4').slice(0, 1), // terms recorded, not opened yet: the snapshot is on the terms
    };
    // The release before's rows: the folded state, snapshot and all, in `state`.
    for (const [id, events] of Object.entries(histories)) {
      const state = D.stateOf(events);
      const open = state.status === 'none' ? null : state;
      await db.pool.query(
        `INSERT INTO ${schema}.dispute_summaries (dispute_id, order_id, buyer_id, seller_id, status, opened_at, version, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, `order-${id}`, open?.buyerId ?? null, open?.sellerId ?? null, state.status, open?.openedAt ?? null, events.length, JSON.stringify(state)],
      );
    }
    const before = new Map(
      (await db.pool.query<{ dispute_id: string; state: DisputeState }>(`SELECT dispute_id, state FROM ${schema}.dispute_summaries`)).rows.map((r) => [
        r.dispute_id,
        r.state,
      ]),
    );

    expect(await runMigrations(db.pool, schema, 'dispute', disputeMigrations)).toEqual([2]);

    const { rows } = await db.pool.query<{ policy_hash: string; inline: boolean }>(
      `SELECT policy_hash, state ? 'policy' OR state #> '{terms,policy}' IS NOT NULL AS inline FROM ${schema}.dispute_summaries`,
    );
    expect(rows).toEqual(Object.keys(histories).map(() => ({ policy_hash: policyHash(D.policy), inline: false }))); // SQL's hash is node's
    expect(await count(db.pool, `${schema}.dispute_policy_snapshots`)).toBe(1);

    // Byte for byte what the release before's readers parsed from `state`.
    const exact = (s: DisputeState | undefined) => JSON.stringify(s);
    for (const id of ['d-1', 'd-2', 'd-3']) expect(exact((await getDispute(db.pool, schema, id))?.state)).toBe(exact(before.get(id)));
    const list = await listDisputes(db.pool, schema, { who: { role: 'agent' }, limit: 10 });
    expect(list.items.map((i) => exact(i.state))).toEqual(['d-1', 'd-2', 'd-3'].map((id) => exact(before.get(id))));
    const old = before.get('d-3')!;
    if (old.status === 'none') throw new Error('d-3 is open');
    const appeals = await appealQueuePage(db.pool, schema, { limit: 10 });
    expect(appeals.items).toEqual([appealQueueItemOf({ ...old, policy: PolicySnapshotSchema.parse(old.policy) })]);
    expect(appeals.items).toHaveLength(1);

    // The projection carries on from a converted row (terms only): no second snapshot row.
    const events = disputeEvents('d-4');
    const envelopes = await store.appendToStream(db.pool, disputeStreamId('d-4'), 0, events, meta);
    const projection = disputesProjection(schema);
    await store.withTransaction(async (tx) => {
      for (const e of envelopes.slice(1)) await projection.apply(tx, e);
    });
    expect((await getDispute(db.pool, schema, 'd-4'))?.state).toEqual(JSON.parse(JSON.stringify(D.stateOf(events))));
    expect(await count(db.pool, `${schema}.dispute_policy_snapshots`)).toBe(1);
  });
});

describe('the dispute-summaries projection', () => {
  it('stores one snapshot row for many disputes under one policy, the same rows event by event and batched', async () => {
    const schema = `${db.schema}_rebuild`;
    const store = await newStore(schema);
    for (const p of disputeProjections(schema)) await p.migrate(db.pool);
    const other: PolicySnapshot = { ...D.policy, dispute: { ...D.policy.dispute, maxRejectedProposals: D.policy.dispute.maxRejectedProposals + 1 } };
    const streams = [
      ...[1, 2, 3, 4, 5].map((i) => disputeEvents(`d-${i}`)),
      disputeEvents('d-6', D.policy, counter),
      appealed('d-7'),
      disputeEvents('d-8', other),
    ];
    for (const events of streams) await store.appendToStream(db.pool, disputeStreamId((events[0]!.data as { disputeId: string }).disputeId), 0, events, meta);

    const dump = async () =>
      Promise.all(
        ['dispute_summaries ORDER BY dispute_id', 'dispute_policy_snapshots ORDER BY hash'].map(
          async (q) => (await db.pool.query(`SELECT * FROM ${schema}.${q}`)).rows,
        ),
      );
    const projection = disputesProjection(schema);
    await rebuildProjection(store, projection, { perEvent: true });
    const perEvent = await dump();
    expect(perEvent[0]).toHaveLength(8);
    expect(perEvent[1]!.map((r) => r.hash).sort()).toEqual([policyHash(D.policy), policyHash(other)].sort());
    expect(perEvent[0]!.filter((r) => r.policy_hash === policyHash(D.policy))).toHaveLength(7);
    expect(perEvent[0]!.every((r) => !('policy' in r.state))).toBe(true);
    for (const opts of [{}, { batchSize: 3, maxRows: 2 }]) {
      await rebuildProjection(store, projection, opts);
      expect(await dump()).toEqual(perEvent);
    }
    // As commands write them (inlineProjections: a command's events at once, one row read and write
    // per dispute): each stream's events in two commands, then all of one command's across disputes.
    await db.pool.query(`TRUNCATE ${schema}.dispute_summaries, ${schema}.dispute_policy_snapshots`);
    const logs = await Promise.all(streams.map((events) => store.readStream(disputeStreamId((events[0]!.data as { disputeId: string }).disputeId))));
    await store.withTransaction(async (tx) => {
      for (const log of logs.slice(0, 4)) {
        await projection.applyMany!(tx, log.slice(0, 2));
        await projection.applyMany!(tx, log.slice(2));
      }
      await projection.applyMany!(tx, logs.slice(4).flat());
    });
    expect(await dump()).toEqual(perEvent);
    // The full state reads back as the fold of the log.
    expect((await getDispute(db.pool, schema, 'd-8'))?.state).toEqual(JSON.parse(JSON.stringify(D.stateOf(streams[7]!))));
  });
});
