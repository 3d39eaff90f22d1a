import { testDatabase, type TestDatabase } from '@bp/testing';
import { deadlineSync, listDeadlines, migrateDeadlines, syncDeadlines, syncManyDeadlines, type Deadline } from '../src';

const d = (kind: string, dueAt: string): Deadline => ({ kind, dueAt, actor: 'system', onExpiry: `Expire${kind}` });
const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-02T10:00:00.000Z';
const T3 = '2026-03-03T10:00:00.000Z';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase('timers_sync');
  await migrateDeadlines(db.pool, db.schema);
  await migrateDeadlines(db.pool, db.schema); // idempotent: services run it at every start
});
afterAll(() => db.close());

const kinds = async (streamId: string) => (await listDeadlines(db.pool, db.schema, { streamId })).map((r) => `${r.kind}@${r.dueAt}:${r.status}`);

const inTx = async <T>(fn: (tx: import('pg').PoolClient) => Promise<T>, commit = true): Promise<T> => {
  const tx = await db.pool.connect();
  try {
    await tx.query('BEGIN');
    const out = await fn(tx);
    await tx.query(commit ? 'COMMIT' : 'ROLLBACK');
    return out;
  } finally {
    tx.release();
  }
};

describe('syncDeadlines makes the stream rows exactly the list', () => {
  it('schedules, reschedules and cancels in the caller transaction', async () => {
    await inTx((tx) => syncDeadlines(tx, db.schema, 's1', [d('a', T1), d('b', T2)]));
    expect(await kinds('s1')).toEqual([`a@${T1}:pending`, `b@${T2}:pending`]);

    await inTx((tx) => syncDeadlines(tx, db.schema, 's1', [d('a', T3), d('b', T2)]));
    expect(await kinds('s1')).toEqual([`b@${T2}:pending`, `a@${T3}:pending`]);

    await inTx((tx) => syncDeadlines(tx, db.schema, 's1', [d('b', T2)]));
    expect(await kinds('s1')).toEqual([`b@${T2}:pending`]);

    await inTx((tx) => syncDeadlines(tx, db.schema, 's1', []));
    expect(await kinds('s1')).toEqual([]);
  });

  it('leaves other streams alone', async () => {
    await inTx(async (tx) => {
      await syncDeadlines(tx, db.schema, 'other-1', [d('a', T1)]);
      await syncDeadlines(tx, db.schema, 'other-2', [d('a', T2)]);
      await syncDeadlines(tx, db.schema, 'other-1', []);
    });
    expect(await kinds('other-1')).toEqual([]);
    expect(await kinds('other-2')).toEqual([`a@${T2}:pending`]);
  });

  it('a rolled-back caller transaction leaves the old rows', async () => {
    await inTx((tx) => syncDeadlines(tx, db.schema, 's2', [d('a', T1), d('b', T2)]));
    await inTx(async (tx) => {
      await syncDeadlines(tx, db.schema, 's2', [d('a', T3), d('c', T3)]);
      // visible inside the caller's transaction, before it decides
      expect((await listDeadlines(tx, db.schema, { streamId: 's2' })).map((r) => r.kind)).toEqual(['a', 'c']);
    }, false);
    expect(await kinds('s2')).toEqual([`a@${T1}:pending`, `b@${T2}:pending`]);
  });

  it('keeps dueAt exactly as the aggregate wrote it and stores the whole deadline', async () => {
    const odd = { kind: 'x', dueAt: '2026-03-01T10:00:00Z', actor: 'seller', onExpiry: 'AutoConfirm' };
    await syncDeadlines(db.pool, db.schema, 's3', [odd]);
    const [row] = await listDeadlines(db.pool, db.schema, { streamId: 's3' });
    expect(row?.dueAt).toBe('2026-03-01T10:00:00Z');
    expect(row?.payload).toEqual(odd);
    expect(row?.nextAttemptAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('re-stating the same dueAt keeps the row status; a new dueAt re-arms it', async () => {
    await syncDeadlines(db.pool, db.schema, 's4', [d('a', T1)]);
    // as the scheduler leaves a deadline that fired while the aggregate still lists it
    await db.pool.query(`UPDATE ${db.schema}.deadlines SET next_at = NULL, fired_at = now(), attempts = 2, last_error = 'x' WHERE stream_id = 's4'`);
    await syncDeadlines(db.pool, db.schema, 's4', [d('a', T1)]);
    expect(await kinds('s4')).toEqual([`a@${T1}:fired`]);
    await syncDeadlines(db.pool, db.schema, 's4', [{ ...d('a', T1), actor: 'buyer' }]);
    const [same] = await listDeadlines(db.pool, db.schema, { streamId: 's4' });
    expect(same).toMatchObject({ status: 'fired', attempts: 2, payload: { actor: 'buyer' } });
    await syncDeadlines(db.pool, db.schema, 's4', [d('a', T2)]);
    const [rearmed] = await listDeadlines(db.pool, db.schema, { streamId: 's4' });
    expect(rearmed).toMatchObject({ status: 'pending', attempts: 0, lastError: null, firedAt: null, nextAttemptAt: T2 });
  });

  it('refuses duplicate kinds and unparseable dates', async () => {
    await expect(syncDeadlines(db.pool, db.schema, 's5', [d('a', T1), d('a', T2)])).rejects.toThrow(/duplicate deadline kind a/);
    await expect(syncDeadlines(db.pool, db.schema, 's5', [d('a', 'soon')])).rejects.toThrow(/not a date/);
  });

  it('deadlineSync is the command handler hook: rows follow deadlines(state)', async () => {
    type S = { until?: string };
    const hook = deadlineSync<S>(db.schema, (s) => (s.until ? [d('expiry', s.until)] : []));
    await inTx((tx) => hook(tx, { streamId: 's6', state: { until: T1 } }));
    expect(await kinds('s6')).toEqual([`expiry@${T1}:pending`]);
    await inTx((tx) => hook(tx, { streamId: 's6', state: { until: T2 } }));
    expect(await kinds('s6')).toEqual([`expiry@${T2}:pending`]);
    await inTx((tx) => hook(tx, { streamId: 's6', state: {} }));
    expect(await kinds('s6')).toEqual([]);
  });

  it('syncManyDeadlines syncs several streams in one statement', async () => {
    await syncManyDeadlines(db.pool, db.schema, [
      { streamId: 'm1', deadlines: [d('a', T1), d('b', T2)] },
      { streamId: 'm2', deadlines: [d('a', T2)] },
    ]);
    await syncManyDeadlines(db.pool, db.schema, [
      { streamId: 'm1', deadlines: [d('b', T3)] },
      { streamId: 'm2', deadlines: [] },
    ]);
    expect(await kinds('m1')).toEqual([`b@${T3}:pending`]);
    expect(await kinds('m2')).toEqual([]);
    await syncManyDeadlines(db.pool, db.schema, [{ streamId: 'm1', deadlines: [] }]);
    expect(await kinds('m1')).toEqual([]);
    await expect(
      syncManyDeadlines(db.pool, db.schema, [
        { streamId: 'x', deadlines: [] },
        { streamId: 'x', deadlines: [] },
      ]),
    ).rejects.toThrow(/twice/);
  });

  it('listDeadlines filters overdue, status and limit', async () => {
    await syncDeadlines(db.pool, db.schema, 'l1', [d('a', T1), d('b', T3)]);
    await syncDeadlines(db.pool, db.schema, 'l2', [d('a', T2)]);
    const overdue = await listDeadlines(db.pool, db.schema, { overdueAt: new Date(T2) });
    expect(overdue.filter((r) => r.streamId.startsWith('l')).map((r) => `${r.streamId}/${r.kind}`)).toEqual(['l1/a', 'l2/a']);
    expect(await listDeadlines(db.pool, db.schema, { streamId: 'l1', limit: 1 })).toHaveLength(1);
    expect(await listDeadlines(db.pool, db.schema, { streamId: 'l1', status: 'pending' })).toHaveLength(2);
    expect(await listDeadlines(db.pool, db.schema, { streamId: 'l1', status: 'parked' })).toHaveLength(0);
  });
});
