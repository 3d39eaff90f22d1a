import { type TestDatabase, testDatabase, traceSent } from '@bp/testing';
import type { Pool, PoolClient } from 'pg';
import { type AppendHook, type EventStore, type Projection, commandHandler, createEventStore, inlineProjections } from '../src';
import { type CounterCommand, type CounterState, counter, deferred, meta } from './fixtures';

/**
 * On a pipelined connection (node-postgres `pipeline: true`, as the services' pools are) a command's
 * append and its first hook's statement go out in one round trip (issue 18 item 2); the append is
 * still what decides: a conflict undoes what the hooks wrote and is retried.
 */
let db: TestDatabase;
let pool: Pool;
let store: EventStore;
let side: string;

beforeAll(async () => {
  db = await testDatabase('es_pipelined');
  pool = db.newPool({ pipeline: true });
  store = createEventStore({ pool, schema: db.schema });
  await store.migrate();
  side = `${db.schema}.side`;
  await pool.query(`CREATE TABLE ${side} (stream text NOT NULL, version int NOT NULL, UNIQUE (stream, version))`);
});
afterAll(() => db.close());

const add = (stream: string, by = 1): CounterCommand => ({ type: 'Add', data: { id: stream, by } });
/** A projection of each stored event: one statement, what a hook usually is. */
const project: AppendHook<CounterState> = async (tx, { streamId, events }) => {
  for (const e of events) await tx.query(`INSERT INTO ${side} (stream, version) VALUES ($1, $2)`, [streamId, e.streamVersion]);
};
const handlerOn = (s: EventStore) => commandHandler({ store: s, decider: counter, streamId: (c: CounterCommand) => c.data.id, hooks: [project] });
const projected = async (stream: string) =>
  (await pool.query(`SELECT version FROM ${side} WHERE stream = $1 ORDER BY version`, [stream])).rows.map((r) => r.version as number);

describe('commandHandler on a pipelined connection', () => {
  it("sends the append and the hook's statement in one round trip (the hook's goes out before the append is answered)", async () => {
    const sent = await traceSent(async () => {
      expect(await handlerOn(store)(add('p-1', 2), { metadata: meta() })).toMatchObject({ version: 1, state: { total: 2 } });
    });
    const append = sent.findIndex((s) => /INSERT INTO .*\.events/.test(s.text));
    expect(sent[append + 1]).toMatchObject({ text: expect.stringMatching(/INSERT INTO .*\.side/), behind: 1 });
    expect(await projected('p-1')).toEqual([1]);
  });

  /** A hook of one statement sent before it returns, as the deadline sync is. */
  const atOnce = (sql: string): AppendHook<CounterState> => Object.assign((tx: PoolClient) => tx.query(sql).then(() => undefined), { sendsAtOnce: true });

  it('a hook that sends at once is not awaited: the next hook goes out in the same round trip (issue 18 item 2)', async () => {
    const hooks = [atOnce(`INSERT INTO ${side} (stream, version) VALUES ('p-4-at-once', 1)`), project];
    const sent = await traceSent(async () => {
      await commandHandler({ store, decider: counter, streamId: (c: CounterCommand) => c.data.id, hooks })(add('p-4'), { metadata: meta() });
    });
    const append = sent.findIndex((s) => /INSERT INTO .*\.events/.test(s.text));
    expect(sent.slice(append + 1, append + 3).map((s) => s.behind)).toEqual([1, 2]); // behind the append, then behind both
    expect(await projected('p-4-at-once')).toEqual([1]);
    expect(await projected('p-4')).toEqual([1]);
  });

  it('a failing hook that sent at once is the error thrown (not the aborted transaction the next hook meets); nothing is written', async () => {
    const hooks = [atOnce('SELECT 1 / 0'), project];
    const handle = commandHandler({ store, decider: counter, streamId: (c: CounterCommand) => c.data.id, hooks });
    await expect(handle(add('p-5'), { metadata: meta() })).rejects.toThrow(/division by zero/);
    expect(await projected('p-5')).toEqual([]);
    expect(await store.readStream('p-5')).toEqual([]);
  });

  it("in the caller's transaction the savepoint goes out with the append; a failing hook rolls back to it and the caller goes on", async () => {
    const failing = commandHandler({ store, decider: counter, streamId: (c: CounterCommand) => c.data.id, hooks: [project, atOnce('SELECT 1 / 0')] });
    const tx = await pool.connect();
    try {
      await tx.query('BEGIN');
      const sent = await traceSent(async () => {
        await expect(failing(add('p-6'), { metadata: meta(), tx })).rejects.toThrow(/division by zero/);
      });
      const savepoint = sent.findIndex((s) => /^SAVEPOINT/.test(s.text));
      expect(sent[savepoint + 1]).toMatchObject({ text: expect.stringMatching(/INSERT INTO .*\.events/), behind: 1 });
      await handlerOn(store)(add('p-7'), { metadata: meta(), tx });
      await tx.query('COMMIT');
    } finally {
      tx.release();
    }
    expect(await projected('p-6')).toEqual([]);
    expect(await store.readStream('p-6')).toEqual([]);
    expect(await projected('p-7')).toEqual([1]);
  });

  it('an append that finds the stream moved on (0 rows) undoes what the hook wrote; the retry stores and projects each event once', async () => {
    const handle = handlerOn(store);
    await handle(add('p-2'), { metadata: meta() });
    let loads = 0;
    const interleaved: EventStore = {
      ...store,
      readStream: async (id, o) => {
        const events = await store.readStream(id, o);
        if (loads++ === 0) await handle(add('p-2', 10), { metadata: meta() });
        return events;
      },
    };
    expect(await handlerOn(interleaved)(add('p-2', 100), { metadata: meta() })).toMatchObject({ version: 3, state: { total: 111 } });
    expect(loads).toBe(2);
    expect(await projected('p-2')).toEqual([1, 2, 3]);
  });

  it("a unique violation (a writer committing the same version) fails the hook's statement too: the conflict is what counts, and it is retried", async () => {
    const handle = handlerOn(store);
    await handle(add('p-3'), { metadata: meta() });
    const other = await pool.connect();
    const blocked = deferred<number>();
    let loads = 0;
    const interleaved: EventStore = {
      ...store,
      readStream: async (id, o) => {
        const events = await store.readStream(id, o);
        if (loads++ === 0) {
          await other.query('BEGIN');
          await store.appendToStream(other, 'p-3', 1, [{ type: 'Added', data: { by: 10 } }], meta());
          await other.query(`INSERT INTO ${side} (stream, version) VALUES ('p-3', 2)`);
          blocked.resolve((await o!.tx!.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number);
        }
        return events;
      },
    };
    const commitWhenBlocked = (async () => {
      const pid = await blocked.promise;
      while ((await pool.query('SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted', [pid])).rowCount !== 1) await new Promise((r) => setImmediate(r));
      await other.query('COMMIT');
    })();
    try {
      expect(await handlerOn(interleaved)(add('p-3', 100), { metadata: meta() })).toMatchObject({ version: 3, state: { total: 111 } });
      await commitWhenBlocked;
    } finally {
      other.release();
    }
    expect(await projected('p-3')).toEqual([1, 2, 3]);
  });

  /** A projection writing two statements per event into the side table, under a name of its own. */
  const twoStatements = (name: string, sql2 = `SELECT 1`): Projection => ({
    name,
    handles: ['Added'],
    migrate: async () => {},
    reset: async () => {},
    apply: async (tx, e) => {
      await tx.query(`INSERT INTO ${side} (stream, version) VALUES ($1, $2)`, [`${e.streamId}-${name}`, e.streamVersion]);
      await tx.query(sql2);
    },
  });

  it('inline projections run side by side: the second one starts before the first one is answered; all of them end before the hook does', async () => {
    const hooks = [inlineProjections([twoStatements('a'), twoStatements('b')])];
    const handle = commandHandler({ store, decider: counter, streamId: (c: CounterCommand) => c.data.id, hooks });
    const sent = await traceSent(async () => {
      await handle(add('p-8'), { metadata: meta() });
    });
    const first = sent.findIndex((s) => s.text.includes(side));
    expect(sent[first + 1]).toMatchObject({ text: expect.stringContaining(side), behind: expect.any(Number) });
    expect(sent[first + 1]!.behind).toBeGreaterThan(sent[first]!.behind); // b's INSERT went out while a's was unanswered
    expect(await projected('p-8-a')).toEqual([1]);
    expect(await projected('p-8-b')).toEqual([1]);
  });

  it("a failing projection's own error is thrown, not the aborted transaction its neighbour met; nothing is written", async () => {
    let bDone = false;
    const b = twoStatements('b');
    const hooks = [inlineProjections([twoStatements('a', 'SELECT 1 / 0'), { ...b, apply: async (tx, e) => (await b.apply(tx, e), void (bDone = true)) }])];
    const handle = commandHandler({ store, decider: counter, streamId: (c: CounterCommand) => c.data.id, hooks });
    await expect(handle(add('p-9'), { metadata: meta() })).rejects.toThrow(/division by zero/);
    expect(bDone).toBe(false); // b's second statement met the aborted transaction, and b had ended by then
    expect(await projected('p-9-a')).toEqual([]);
    expect(await projected('p-9-b')).toEqual([]);
    expect(await store.readStream('p-9')).toEqual([]);
  });
});
