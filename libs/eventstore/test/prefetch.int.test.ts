import { type TestDatabase, testDatabase, traceSent } from '@bp/testing';
import type { Pool } from 'pg';
import {
  type EventStore,
  type PrefetchRead,
  RequestTransaction,
  type RequestTransactionOwner,
  commandHandler,
  commitPending,
  createEventStore,
  outsideRequest,
  withRequestTransaction,
  withTransaction,
} from '../src';
import { type CounterCommand, counter, meta } from './fixtures';

/**
 * Reads sent with a request's opening (issue 18 item 2): the stream a command decides on goes out
 * behind BEGIN and the Idempotency-Key claim, in their round trip, and the command's read takes its
 * answer. It is a read at the transaction's start: the append's expected version still guards it.
 */
let db: TestDatabase;
let pool: Pool;
let store: EventStore;

beforeAll(async () => {
  db = await testDatabase('es_prefetch');
  pool = db.newPool({ pipeline: true });
  store = createEventStore({ pool, schema: db.schema });
  await store.migrate();
});
afterAll(async () => {
  await pool.end();
  await db.close();
});

const add = (stream: string, by = 1): CounterCommand => ({ type: 'Add', data: { id: stream, by } });
const handle = (c: CounterCommand, o: Parameters<ReturnType<typeof commandHandler>>[1]) =>
  commandHandler({ store, decider: counter, streamId: (x: CounterCommand) => x.data.id })(c, o);
const eventReads = (sent: { text: string }[]) => sent.filter((s) => /^SELECT event_id.*FROM .*\.events WHERE stream_id/s.test(s.text));

/** A claim that passes (or refuses, throwing from its check). */
const owner = (refuse = false): RequestTransactionOwner => ({
  opening: () => ({
    text: 'SELECT 1 AS claimed',
    check: () => {
      if (refuse) throw new Error('key in use');
    },
  }),
  earlyCommit: () => 'SELECT 1',
});

const claimed = async (reads: PrefetchRead[], on: Pool = pool) => {
  const rt = new RequestTransaction(on);
  const sent = await traceSent(() => rt.claim(owner(), reads));
  return { rt, sent, run: <T>(fn: () => Promise<T>) => withRequestTransaction(rt, fn) };
};

describe('reads prefetched with the opening of a request transaction', () => {
  it("the stream read goes out behind the opening, in its round trip, and the command's read takes it: no read of its own", async () => {
    await handle(add('pf-1', 5), { metadata: meta() });
    const { rt, sent, run } = await claimed([store.streamRead('pf-1')]);
    expect(eventReads(sent)).toEqual([expect.objectContaining({ behind: 1 })]);
    const during = await traceSent(async () => {
      expect(await run(() => handle(add('pf-1', 2), { metadata: meta() }))).toMatchObject({ version: 2, state: { total: 7 } });
    });
    expect(eventReads(during)).toEqual([]);
    await rt.commit('SELECT 1');
    expect((await store.readStream('pf-1')).map((e) => e.data)).toEqual([{ by: 5 }, { by: 2 }]);
  });

  it("taken once: the next read of the stream in the transaction reads it again and sees the request's own append", async () => {
    const { rt, run } = await claimed([store.streamRead('pf-2')]);
    await run(async () => {
      await handle(add('pf-2', 3), { metadata: meta() });
      const again = await withTransaction(pool, (tx) => store.readStream('pf-2', { tx }));
      expect(again.map((e) => e.data)).toEqual([{ by: 3 }]);
    });
    await rt.commit('SELECT 1');
  });

  it('a writer that commits between the claim and the command: the append conflicts and the retry decides on a fresh read (nothing lost)', async () => {
    await handle(add('pf-3', 1), { metadata: meta() });
    const { rt, run } = await claimed([store.streamRead('pf-3')]);
    await outsideRequest(() => handle(add('pf-3', 10), { metadata: meta() }));
    expect(await run(() => handle(add('pf-3', 100), { metadata: meta() }))).toMatchObject({ version: 3, state: { total: 111 } });
    await rt.commit('SELECT 1');
    expect((await store.readStream('pf-3')).map((e) => e.data)).toEqual([{ by: 1 }, { by: 10 }, { by: 100 }]);
  });

  it('a refused claim: the transaction is rolled back with its reads unseen, nothing left unhandled, the connection back in the pool', async () => {
    const rt = new RequestTransaction(pool);
    await expect(rt.claim(owner(true), [store.streamRead('pf-4')])).rejects.toThrow('key in use');
    expect(rt.isOpen).toBe(false);
    expect(pool.waitingCount).toBe(0);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it('a read Postgres refuses (a NUL in its value) leaves the transaction usable: the request meets the error on its own read, and goes on', async () => {
    const { rt, run } = await claimed([store.streamRead('pf-8\u0000'), store.streamRead('pf-8')]);
    // Forgotten, both (the second was answered "transaction aborted"): nobody takes a failure from a read they did not make.
    expect(rt.takePrefetched(pool, store.streamRead('pf-8\u0000').key)).toBeUndefined();
    expect(rt.takePrefetched(pool, store.streamRead('pf-8').key)).toBeUndefined();
    await run(async () => {
      await expect(withTransaction(pool, (tx) => store.readStream('pf-8\u0000', { tx }))).rejects.toThrow(/invalid byte sequence/);
      expect(await handle(add('pf-8', 2), { metadata: meta() })).toMatchObject({ version: 1, state: { total: 2 } });
    });
    await rt.commit('SELECT 1');
    expect((await store.readStream('pf-8')).map((e) => e.data)).toEqual([{ by: 2 }]);
  });

  it('only the transaction that prefetched takes the answer: another connection reads for itself', async () => {
    await handle(add('pf-5', 4), { metadata: meta() });
    const { rt, run } = await claimed([store.streamRead('pf-5')]);
    await outsideRequest(() => handle(add('pf-5', 1), { metadata: meta() }));
    const other = await pool.connect();
    try {
      // The request's transaction still holds the answer read before this append: another connection sees both.
      expect((await run(() => store.readStream('pf-5', { tx: other }))).length).toBe(2);
    } finally {
      other.release();
    }
    await rt.end();
  });

  it('after an early commit the next transaction sends the reads again and decides on what committed', async () => {
    const { rt, run } = await claimed([store.streamRead('pf-6')]);
    await run(async () => {
      await handle(add('pf-6', 1), { metadata: meta() });
      await commitPending();
      const sent = await traceSent(() => handle(add('pf-6', 2), { metadata: meta() }));
      expect(eventReads(sent)).toEqual([expect.objectContaining({ behind: 1 })]); // behind the new BEGIN
    });
    await rt.commit('SELECT 1');
    expect((await store.readStream('pf-6')).map((e) => e.data)).toEqual([{ by: 1 }, { by: 2 }]);
  });

  it('on a connection that is not pipelined nothing is prefetched: the command reads the stream as usual', async () => {
    const plain = db.newPool();
    try {
      const plainStore = createEventStore({ pool: plain, schema: db.schema });
      const { rt, sent, run } = await claimed([plainStore.streamRead('pf-7')], plain);
      expect(eventReads(sent)).toEqual([]);
      const during = await traceSent(() =>
        run(() => commandHandler({ store: plainStore, decider: counter, streamId: (c: CounterCommand) => c.data.id })(add('pf-7'), { metadata: meta() })),
      );
      expect(eventReads(during)).toHaveLength(1);
      await rt.commit('SELECT 1');
    } finally {
      await plain.end();
    }
  });
});
