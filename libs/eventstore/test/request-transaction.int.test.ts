import { type TestDatabase, testDatabase } from '@bp/testing';
import {
  type EventStore,
  RequestTransaction,
  type RequestTransactionOwner,
  commandHandler,
  createEventStore,
  outsideRequest,
  parkRequestTransaction,
  withRequestTransaction,
  withTransaction,
} from '../src';
import { type CounterCommand, type CounterEvent, type CounterState, counter, meta } from './fixtures';

/**
 * A request's transaction (issue 18 item 2): the transactions a request runs join it and commit
 * with its last statement, in one commit; a failing one is rolled back alone.
 */
let db: TestDatabase;
let store: EventStore;
let side: string;

beforeAll(async () => {
  db = await testDatabase('es_request_tx');
  store = createEventStore({ pool: db.pool, schema: db.schema });
  await store.migrate();
  side = `${db.schema}.side`;
  await db.pool.query(`CREATE TABLE ${side} (what text NOT NULL)`);
});
afterAll(() => db.close());

const add = (stream: string, by = 1): CounterCommand => ({ type: 'Add', data: { id: stream, by } });
const handle: ReturnType<typeof commandHandler<CounterCommand, CounterEvent, CounterState>> = (c, o) =>
  commandHandler({ store, decider: counter, streamId: (x: CounterCommand) => x.data.id })(c, o);
const write = (what: string) => withTransaction(db.pool, (tx) => tx.query(`INSERT INTO ${side} (what) VALUES ($1)`, [what]));
/** What is committed (read outside any request). */
const committed = (what: string) =>
  outsideRequest(async () =>
    (await db.pool.query(`SELECT what FROM ${side} WHERE what LIKE $1 ORDER BY what`, [`${what}%`])).rows.map((r) => r.what as string),
  );

/** An owner whose claim is a SELECT it counts, and whose early commit writes a marker row. */
const owner = (name: string) => {
  const o = { openings: 0, owner: undefined as unknown as RequestTransactionOwner };
  o.owner = {
    opening: () => ({ text: 'SELECT 1 AS claimed', check: () => void o.openings++ }),
    earlyCommit: () => `INSERT INTO ${side} (what) VALUES ('${name}-early')`,
  };
  return o;
};
const request = async (name: string) => {
  const o = owner(name);
  const rt = new RequestTransaction(db.pool);
  await rt.claim(o.owner);
  return { rt, o, run: <T>(fn: () => Promise<T>) => withRequestTransaction(rt, fn) };
};

describe('RequestTransaction', () => {
  it("the request's transactions join it: nothing is visible outside until its commit, its own queries read its writes", async () => {
    const { rt, run } = await request('join');
    await run(async () => {
      await write('join-1');
      await write('join-2');
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${side} WHERE what LIKE 'join-%'`)).rows[0].n).toBe(2);
      expect(await committed('join-')).toEqual([]);
    });
    await rt.commit(`INSERT INTO ${side} (what) VALUES ('join-answer')`);
    expect(await committed('join-')).toEqual(['join-1', 'join-2', 'join-answer']);
  });

  it('a joined transaction that throws is rolled back alone; the earlier ones still commit with the request', async () => {
    const { rt, run } = await request('partial');
    await run(async () => {
      await write('partial-1');
      await expect(
        withTransaction(db.pool, async (tx) => {
          await tx.query(`INSERT INTO ${side} (what) VALUES ('partial-2')`);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      await write('partial-3');
    });
    await rt.commit('SELECT 1');
    expect(await committed('partial-')).toEqual(['partial-1', 'partial-3']);
  });

  it('a command conflicting with a concurrent writer is retried inside the request from a fresh read', async () => {
    await handle(add('rt-conflict'), { metadata: meta() });
    const { rt, run } = await request('conflict');
    let loads = 0;
    const interleaved: EventStore = {
      ...store,
      readStream: async (id, o) => {
        const events = await store.readStream(id, o);
        if (loads++ === 0) await outsideRequest(() => handle(add('rt-conflict', 10), { metadata: meta() }));
        return events;
      },
    };
    const racing = commandHandler({ store: interleaved, decider: counter, streamId: (c: CounterCommand) => c.data.id });
    const r = await run(() => racing(add('rt-conflict', 100), { metadata: meta() }));
    expect(r).toMatchObject({ version: 3, state: { total: 111 } });
    await rt.commit('SELECT 1');
    expect((await store.readStream('rt-conflict')).map((e) => e.data)).toEqual([{ by: 1 }, { by: 10 }, { by: 100 }]);
  });

  it('an append from a transaction id older than the stream head (StaleTransactionError): earlier effects commit early, the command runs again in a new transaction', async () => {
    await handle(add('rt-stale'), { metadata: meta() });
    const { rt, o, run } = await request('stale');
    await run(async () => {
      await write('stale-1'); // the request's transaction takes its id here
      await outsideRequest(() => handle(add('rt-stale', 10), { metadata: meta() })); // a later id appends and commits
      expect(await handle(add('rt-stale', 100), { metadata: meta() })).toMatchObject({ version: 3, state: { total: 111 } });
    });
    expect(rt.committedEarly).toBe(true);
    expect(await committed('stale-')).toEqual(['stale-1', 'stale-early']);
    await rt.commit(`INSERT INTO ${side} (what) VALUES ('stale-answer')`);
    expect(await committed('stale-')).toEqual(['stale-1', 'stale-answer', 'stale-early']);
    expect(o.openings).toBe(2); // the claim, then the new transaction's claim
    expect((await store.readStream('rt-stale')).map((e) => e.data)).toEqual([{ by: 1 }, { by: 10 }, { by: 100 }]);
  });

  it('parked while waiting (nothing pending): the connection goes back, the next join claims again; with work pending it is kept', async () => {
    const { rt, o, run } = await request('park');
    await run(async () => {
      await parkRequestTransaction();
      expect(rt.isOpen).toBe(false);
      await write('park-1');
      expect(o.openings).toBe(2);
      await parkRequestTransaction();
      expect(rt.isOpen).toBe(true);
    });
    await rt.commit('SELECT 1');
    expect(await committed('park-')).toEqual(['park-1']);
  });

  it('outside the request (outsideRequest) and in a withTransaction nested in a joined one, transactions commit on their own', async () => {
    const { rt, run } = await request('own');
    await run(async () => {
      await outsideRequest(() => write('own-outside'));
      await withTransaction(db.pool, async () => write('own-nested'));
      expect(await committed('own-')).toEqual(['own-nested', 'own-outside']);
    });
    await rt.end();
    expect(await committed('own-')).toEqual(['own-nested', 'own-outside']);
  });

  it('a request whose connection broke with work pending cannot commit: nothing of it stands', async () => {
    const { rt, run } = await request('broken');
    await run(async () => {
      await write('broken-1');
      const pid = (await db.pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      await outsideRequest(() => db.pool.query('SELECT pg_terminate_backend($1)', [pid]));
    });
    await expect(rt.commit('SELECT 1')).rejects.toThrow();
    expect(await committed('broken-')).toEqual([]);
  });
});
