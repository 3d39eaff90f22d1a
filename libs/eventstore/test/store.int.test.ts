import { DomainError, EventRegistry, defineEvent } from '@bp/contracts';
import { type TestDatabase, testDatabase } from '@bp/testing';
import { z } from 'zod';
import { type EventStore, START, VersionConflictError, createEventStore, loadCheckpoint, recordInboxMany, saveCheckpoint } from '../src';
import { meta } from './fixtures';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await testDatabase('es_store');
  store = createEventStore({ pool: db.pool, schema: db.schema });
  await store.migrate();
});
afterAll(() => db.close());

const ev = (n: number) => ({ type: 'Added', data: { by: n } });

describe('migrate', () => {
  it('is idempotent and safe under concurrent callers', async () => {
    const fresh = createEventStore({ pool: db.pool, schema: `${db.schema}_m` });
    try {
      await Promise.all([fresh.migrate(), fresh.migrate(), fresh.migrate()]);
      await fresh.migrate();
      const { rows } = await db.pool.query(`SELECT version, name FROM ${db.schema}_m.schema_migrations WHERE component = 'eventstore' ORDER BY version`);
      expect(rows).toEqual([
        { version: 1, name: 'events' },
        { version: 2, name: 'checkpoints-inbox' },
      ]);
    } finally {
      await db.pool.query(`DROP SCHEMA ${db.schema}_m CASCADE`);
    }
  });

  it('refuses schema names that would need quoting', () => {
    expect(() => createEventStore({ pool: db.pool, schema: 'x"; drop' })).toThrow(/invalid schema/);
  });
});

describe('append and read a stream', () => {
  it('appends at expected version + 1 and reads back the same envelopes', async () => {
    const appended = await store.withTransaction((tx) => store.appendToStream(tx, 's-1', 0, [ev(1), ev(2)], meta('2025-03-01T10:00:00Z')));
    expect(appended.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(appended[0]).toMatchObject({
      streamId: 's-1',
      type: 'Added',
      schemaVersion: 1,
      occurredAt: '2025-03-01T10:00:00.000Z',
      correlationId: 'corr-1',
      causationId: null,
      actor: { role: 'system', id: 'test' },
    });
    expect(new Set(appended.map((e) => e.id)).size).toBe(2);
    const more = await store.withTransaction((tx) => store.appendToStream(tx, 's-1', 2, [ev(3)], meta()));
    expect(more[0]!.streamVersion).toBe(3);
    expect(await store.readStream('s-1')).toEqual([...appended, ...more]);
    expect((await store.readStream('s-1', { fromVersion: 3 })).map((e) => e.streamVersion)).toEqual([3]);
    expect(await store.readStream('nope')).toEqual([]);
  });

  it('appends through the pool as a one-statement transaction', async () => {
    await store.appendToStream(db.pool, 's-pool', 0, [ev(1)], meta());
    await expect(store.appendToStream(db.pool, 's-pool', 0, [ev(1)], meta())).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.readStream('s-pool')).toHaveLength(1);
  });

  it('refuses a stale or a future expected version with the actual version, writing nothing', async () => {
    await store.appendToStream(db.pool, 's-2', 0, [ev(1), ev(2)], meta());
    for (const expected of [0, 1, 5]) {
      const err = await store.withTransaction((tx) => store.appendToStream(tx, 's-2', expected, [ev(9)], meta())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect(err).toMatchObject({ streamId: 's-2', expected });
      // 0 and 1 collide on the unique key only if the guard missed; the guard reports the actual version.
      expect((err as VersionConflictError).actual).toBe(2);
    }
    expect(await store.readStream('s-2')).toHaveLength(2);
  });

  it('reports a conflict when a concurrent writer wins inside Postgres', async () => {
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await store.appendToStream(a, 's-race', 0, [ev(1)], meta());
      const loser = store.appendToStream(b, 's-race', 0, [ev(2)], meta()).catch((e: unknown) => e);
      await a.query('COMMIT');
      const err = await loser;
      await b.query('ROLLBACK');
      expect(err).toBeInstanceOf(VersionConflictError);
    } finally {
      a.release();
      b.release();
    }
    expect((await store.readStream('s-race')).map((e) => e.data)).toEqual([{ by: 1 }]);
  });

  it('rejects a date that is not one', async () => {
    await expect(store.appendToStream(db.pool, 's-date', 0, [ev(1)], meta('yesterday'))).rejects.toThrow(/not a date/);
  });
});

describe('the log is append-only', () => {
  it.each([
    ['UPDATE', (s: string) => `UPDATE ${s}.events SET type = 'X'`],
    ['DELETE', (s: string) => `DELETE FROM ${s}.events`],
    ['TRUNCATE', (s: string) => `TRUNCATE ${s}.events`],
  ])('%s fails', async (_op, sql) => {
    await store.appendToStream(db.pool, `s-imm-${_op}`, 0, [ev(1)], meta());
    await expect(db.pool.query(sql(db.schema))).rejects.toThrow(/append-only/);
    expect(await store.readStream(`s-imm-${_op}`)).toHaveLength(1);
  });
});

describe('registry', () => {
  const V2 = defineEvent({
    type: 'Renamed',
    version: 2,
    schema: z.object({ fullName: z.string() }),
    upcasters: [(d: { name: string }) => ({ fullName: d.name })],
  });

  it('validates registered data on append, upcasts on read, passes private types through', async () => {
    const typed = createEventStore({ pool: db.pool, schema: db.schema, registry: new EventRegistry([V2]) });
    await expect(typed.appendToStream(db.pool, 'r-1', 0, [{ type: 'Renamed', data: { fullName: 42 } }], meta())).rejects.toThrow();
    const [written] = await typed.appendToStream(db.pool, 'r-1', 0, [{ type: 'Renamed', data: { fullName: 'Ada' } }], meta());
    expect(written).toMatchObject({ schemaVersion: 2, data: { fullName: 'Ada' } });
    // An old v1 row, as an earlier release wrote it:
    await db.pool.query(
      `INSERT INTO ${db.schema}.events (stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at)
       VALUES ('r-1', 2, gen_random_uuid(), 'Renamed', 1, '{"name":"Bob"}', '{"correlationId":"c","causationId":null,"actor":{"role":"system","id":"x"}}', now())`,
    );
    await typed.appendToStream(db.pool, 'r-1', 2, [{ type: 'PrivateNote', data: { anything: [1] } }], meta());
    const read = await typed.readStream('r-1');
    expect(read.map((e) => [e.type, e.schemaVersion, e.data])).toEqual([
      ['Renamed', 2, { fullName: 'Ada' }],
      ['Renamed', 1, { fullName: 'Bob' }],
      ['PrivateNote', 1, { anything: [1] }],
    ]);
  });
});

describe('checkpoints and inbox', () => {
  it('a checkpoint starts at START and keeps the saved pair', async () => {
    expect(await loadCheckpoint(db.pool, db.schema, 'relay')).toEqual(START);
    await store.withTransaction((tx) => saveCheckpoint(tx, db.schema, 'relay', { txId: '123', position: '45' }));
    await store.withTransaction((tx) => saveCheckpoint(tx, db.schema, 'relay', { txId: '124', position: '7' }));
    expect(await loadCheckpoint(db.pool, db.schema, 'relay')).toEqual({ txId: '124', position: '7' });
  });

  it('records an event id once; a rolled-back effect leaves it unseen', async () => {
    const id = '7d3c1a2e-8f4b-4c6d-9e0f-1a2b3c4d5e6f';
    await expect(
      store.withTransaction(async (tx) => {
        expect(await recordInboxMany(tx, db.schema, [{ eventId: id, source: 'orders.v1' }])).toEqual([true]);
        throw new DomainError('BOOM', 'effect failed');
      }),
    ).rejects.toThrow('effect failed');
    expect(await store.withTransaction((tx) => recordInboxMany(tx, db.schema, [{ eventId: id, source: 'orders.v1' }]))).toEqual([true]);
    expect(await store.withTransaction((tx) => recordInboxMany(tx, db.schema, [{ eventId: id, source: 'orders.v1' }]))).toEqual([false]);
  });
});

describe('notify on append', () => {
  it('NOTIFYs the channel at COMMIT when the batch holds a listed type, and only then', async () => {
    const channel = `es_notify_${db.schema}`.slice(0, 63);
    const notifying = createEventStore({ pool: db.pool, schema: db.schema, notify: { channel, types: new Set(['Public']) } });
    expect(notifying.notify?.channel).toBe(channel);
    const listener = await db.pool.connect();
    const got: string[] = [];
    listener.on('notification', (n) => got.push(n.channel));
    try {
      await listener.query(`LISTEN "${channel}"`);
      const stream = `notify-${Date.now()}`;
      await notifying.withTransaction(async (tx) => {
        await notifying.appendToStream(
          tx,
          stream,
          0,
          [
            { type: 'Public', data: {} },
            { type: 'Public', data: {} },
          ],
          meta(),
        );
        await new Promise((r) => setTimeout(r, 50));
        expect(got).toEqual([]); // not before COMMIT
      });
      await notifying.appendToStream(db.pool, stream, 2, [{ type: 'Private', data: {} }], meta());
      await notifying.appendToStream(
        db.pool,
        `${stream}-x`,
        0,
        [
          { type: 'Private', data: {} },
          { type: 'Public', data: {} },
        ],
        meta(),
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(got).toEqual([channel, channel]); // once per transaction; the private-only append is silent
    } finally {
      await listener.query('UNLISTEN *').catch(() => {});
      listener.release();
    }
  });
});
