import { type TestDatabase, testDatabase } from '@bp/testing';
import { Client, type Pool } from 'pg';
import { type AppendHook, type EventStore, commandHandler, createEventStore } from '../src';
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
    const sent: { text: string; behind: number }[] = [];
    const outstanding = new WeakMap<object, number>();
    const query = Client.prototype.query as (...a: unknown[]) => Promise<unknown>;
    Client.prototype.query = function traced(this: Client, ...a: unknown[]) {
      const q = a[0] as string | { text: string };
      const behind = outstanding.get(this) ?? 0;
      sent.push({ text: typeof q === 'string' ? q : q.text, behind });
      outstanding.set(this, behind + 1);
      const r = query.apply(this, a);
      void r.finally(() => outstanding.set(this, (outstanding.get(this) ?? 1) - 1)).catch(() => undefined);
      return r;
    } as typeof Client.prototype.query;
    try {
      expect(await handlerOn(store)(add('p-1', 2), { metadata: meta() })).toMatchObject({ version: 1, state: { total: 2 } });
    } finally {
      Client.prototype.query = query as typeof Client.prototype.query;
    }
    const append = sent.findIndex((s) => /INSERT INTO .*\.events/.test(s.text));
    expect(sent[append + 1]).toMatchObject({ text: expect.stringMatching(/INSERT INTO .*\.side/), behind: 1 });
    expect(await projected('p-1')).toEqual([1]);
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
});
