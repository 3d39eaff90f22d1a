import { DomainError } from '@bp/contracts';
import { type TestDatabase, testDatabase } from '@bp/testing';
import { type AppendHook, type EventStore, StaleTransactionError, VersionConflictError, commandHandler, createEventStore, loadAggregate } from '../src';
import { type CounterCommand, type CounterState, counter, deferred, meta } from './fixtures';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await testDatabase('es_cmd');
  store = createEventStore({ pool: db.pool, schema: db.schema });
  await store.migrate();
});
afterAll(() => db.close());

const add = (stream: string, by = 1): CounterCommand => ({ type: 'Add', data: { id: stream, by } });
const handlerFor = (hooks: AppendHook<CounterState>[] = [], maxRetries?: number) =>
  commandHandler({ store, decider: counter, streamId: (c: CounterCommand) => c.data.id, hooks, ...(maxRetries === undefined ? {} : { maxRetries }) });
/** Awaits a condition in the database (no fixed sleeps). */
const until = async (cond: () => Promise<boolean>) => {
  while (!(await cond())) await new Promise((r) => setImmediate(r));
};
const count = async (stream: string) => (await store.readStream(stream)).length;

describe('commandHandler', () => {
  it('loads, decides, appends and returns the new state and version', async () => {
    const handle = handlerFor();
    await handle(add('c-1', 2), { metadata: meta() });
    const r = await handle(add('c-1', 3), { metadata: meta('2025-02-01T00:00:00Z', { causationId: 'cmd-2' }) });
    expect(r).toMatchObject({ streamId: 'c-1', version: 2, state: { total: 5, adds: 2 } });
    expect(r.events).toEqual([expect.objectContaining({ type: 'Added', streamVersion: 2, causationId: 'cmd-2', data: { by: 3 } })]);
    expect(await loadAggregate(store, counter, 'c-1')).toEqual({ state: { total: 5, adds: 2 }, version: 2 });
  });

  it('a refusal propagates and writes nothing', async () => {
    const hook = jest.fn(async () => {});
    const handle = handlerFor([hook]);
    await expect(handle(add('c-2', -1), { metadata: meta() })).rejects.toMatchObject({ code: 'NOT_POSITIVE' });
    expect(await count('c-2')).toBe(0);
    expect(hook).not.toHaveBeenCalled();
  });

  it('[] writes nothing, skips hooks and returns the current state', async () => {
    const hook = jest.fn(async () => {});
    const handle = handlerFor([hook]);
    await handle(add('c-3', 4), { metadata: meta() });
    hook.mockClear();
    const r = await handle({ type: 'Noop', data: { id: 'c-3' } }, { metadata: meta() });
    expect(r).toEqual({ streamId: 'c-3', events: [], state: { total: 4, adds: 1 }, version: 1 });
    expect(hook).not.toHaveBeenCalled();
    expect(await count('c-3')).toBe(1);
  });

  it('expectedVersion (If-Match) mismatch is a VersionConflictError, not retried', async () => {
    const handle = handlerFor();
    await handle(add('c-4'), { metadata: meta() });
    const err = await handle(add('c-4'), { metadata: meta(), expectedVersion: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionConflictError);
    expect(err).toMatchObject({ expected: 0, actual: 1 });
    await expect(handle(add('c-4'), { metadata: meta(), expectedVersion: 1 })).resolves.toMatchObject({ version: 2 });
  });

  it('hooks run inside the transaction, see previous and new state; a throwing hook rolls the append back', async () => {
    const seen: unknown[] = [];
    const recording: AppendHook<CounterState> = async (tx, ctx) => {
      // Inside the tx: the event just appended is visible here, not yet to others.
      const { rows } = await tx.query(`SELECT count(*)::int AS n FROM ${db.schema}.events WHERE stream_id = $1`, [ctx.streamId]);
      const outside = await count(ctx.streamId);
      seen.push({ inside: rows[0].n, outside, version: ctx.version, prev: ctx.previousState.total, next: ctx.state.total, events: ctx.events.length });
    };
    await handlerFor([recording])(add('c-5', 5), { metadata: meta() });
    expect(seen).toEqual([{ inside: 1, outside: 0, version: 1, prev: 0, next: 5, events: 1 }]);

    const failing: AppendHook<CounterState> = async () => {
      throw new Error('projection broke');
    };
    await expect(handlerFor([recording, failing])(add('c-5', 1), { metadata: meta() })).rejects.toThrow('projection broke');
    expect(await count('c-5')).toBe(1);
  });

  it('joins a caller transaction with a savepoint per attempt: a refusal keeps the caller tx usable', async () => {
    const handle = handlerFor();
    await store.withTransaction(async (tx) => {
      await tx.query(`CREATE TABLE ${db.schema}.side (n int)`);
      await tx.query(`INSERT INTO ${db.schema}.side VALUES (1)`);
      await handle(add('c-6', 1), { metadata: meta(), tx });
      await expect(handle(add('c-6', -1), { metadata: meta(), tx })).rejects.toBeInstanceOf(DomainError);
      const r = await handle(add('c-6', 2), { metadata: meta(), tx }); // tx still usable after the refusal
      expect(r.version).toBe(2);
      expect(await count('c-6')).toBe(0); // nothing visible outside before the caller commits
    });
    expect(await count('c-6')).toBe(2);
    expect((await db.pool.query(`SELECT n FROM ${db.schema}.side`)).rows).toEqual([{ n: 1 }]);

    await expect(
      store.withTransaction(async (tx) => {
        await handle(add('c-7', 1), { metadata: meta(), tx });
        throw new Error('caller fails later');
      }),
    ).rejects.toThrow('caller fails later');
    expect(await count('c-7')).toBe(0);
  });

  it('in a joined transaction the savepoint comes right before the append: a refusal sends none, a failing hook undoes only its command', async () => {
    const statements: string[] = [];
    let failNext = false;
    const failing: AppendHook<CounterState> = async () => {
      if (failNext) throw new Error('hook broke');
    };
    const handle = handlerFor([failing]);
    await store.withTransaction(async (tx) => {
      const query = tx.query.bind(tx) as (...a: unknown[]) => Promise<unknown>;
      (tx as unknown as { query: typeof query }).query = (...a: unknown[]) => (statements.push(String(typeof a[0] === 'string' ? a[0] : '')), query(...a));
      await handle(add('c-sp', 1), { metadata: meta(), tx });
      statements.length = 0;
      await expect(handle(add('c-sp', -1), { metadata: meta(), tx })).rejects.toBeInstanceOf(DomainError);
      expect(statements.filter((q) => q.includes('SAVEPOINT'))).toEqual([]); // read, decided, refused: nothing to undo
      failNext = true;
      await expect(handle(add('c-sp', 5), { metadata: meta(), tx })).rejects.toThrow('hook broke');
      failNext = false;
      const r = await handle(add('c-sp', 2), { metadata: meta(), tx }); // the caller's tx goes on
      expect(r.version).toBe(2);
      expect(r.state.total).toBe(3);
      (tx as unknown as { query: typeof query }).query = query;
    });
    expect(await count('c-sp')).toBe(2);
  });

  it('retries a conflict inside a joined transaction from a fresh read (a writer commits between load and append)', async () => {
    const handle = handlerFor();
    await handle(add('c-8'), { metadata: meta() });
    let loads = 0;
    // A store whose first load lets another writer commit version 2 right after it: our append is stale.
    const interleaved: EventStore = {
      ...store,
      readStream: async (id, o) => {
        const events = await store.readStream(id, o);
        if (loads++ === 0) await handle(add('c-8', 10), { metadata: meta() });
        return events;
      },
    };
    const racing = commandHandler({ store: interleaved, decider: counter, streamId: (c: CounterCommand) => c.data.id });
    const r = await store.withTransaction((tx) => racing(add('c-8', 100), { metadata: meta(), tx }));
    expect(loads).toBe(2);
    expect(r).toMatchObject({ version: 3, state: { total: 111 } });
    expect((await store.readStream('c-8')).map((e) => e.data)).toEqual([{ by: 1 }, { by: 10 }, { by: 100 }]);
  });

  it('keeps the caller transaction usable after a unique violation inside it, and refuses to append from an id older than the stream head', async () => {
    const handle = handlerFor();
    await handle(add('c-9'), { metadata: meta() });
    const other = await db.pool.connect();
    const blocked = deferred<number>();
    let loads = 0;
    // The other writer has appended version 2 but not committed: our append waits on its row, then
    // gets 23505 when it commits, which aborts (the savepoint of) our transaction.
    const interleaved: EventStore = {
      ...store,
      readStream: async (id, o) => {
        const events = await store.readStream(id, o);
        if (loads++ === 0) {
          await other.query('BEGIN');
          await store.appendToStream(other, 'c-9', 1, [{ type: 'Added', data: { by: 10 } }], meta());
          const pid = (await o!.tx!.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
          blocked.resolve(pid);
        }
        return events;
      },
    };
    const commitWhenBlocked = (async () => {
      const pid = await blocked.promise;
      await until(async () => (await db.pool.query('SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted', [pid])).rowCount === 1);
      await other.query('COMMIT');
    })();
    const racing = commandHandler({ store: interleaved, decider: counter, streamId: (c: CounterCommand) => c.data.id });
    try {
      // The caller's transaction took its id (CREATE TABLE) before the other writer's: after the 23505,
      // appending from it would order our event before version 2 in read-all, so it is refused.
      await store.withTransaction(async (tx) => {
        await tx.query(`CREATE TABLE ${db.schema}.side9 (n int)`);
        await expect(racing(add('c-9', 100), { metadata: meta(), tx })).rejects.toBeInstanceOf(StaleTransactionError);
        await tx.query(`INSERT INTO ${db.schema}.side9 VALUES (1)`); // the caller tx is still usable
      });
      await commitWhenBlocked;
      // The caller retries in a new transaction, as the consumer runner and the scheduler do.
      expect(await racing(add('c-9', 100), { metadata: meta() })).toMatchObject({ version: 3, state: { total: 111 } });
    } finally {
      other.release();
    }
    expect((await store.readStream('c-9')).map((e) => e.data)).toEqual([{ by: 1 }, { by: 10 }, { by: 100 }]);
  });

  it('newStream: a stream the caller just named is not read first; one that exists after all conflicts and is read on the retry', async () => {
    const reads = jest.spyOn(store, 'readStream');
    try {
      const handle = commandHandler({ store, decider: counter, streamId: (c: CounterCommand) => c.data.id });
      expect(await handle(add('c-new', 2), { metadata: meta(), newStream: true })).toMatchObject({ version: 1, state: { total: 2 } });
      expect(reads).not.toHaveBeenCalled();
      expect(await handle(add('c-new', 3), { metadata: meta(), newStream: true })).toMatchObject({ version: 2, state: { total: 5 } });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
    expect((await store.readStream('c-new')).map((e) => e.data)).toEqual([{ by: 2 }, { by: 3 }]);
  });

  it('loaded: the stream the caller just folded is not read again; a fold the stream moved past conflicts and is read on the retry', async () => {
    const handle = commandHandler({ store, decider: counter, streamId: (c: CounterCommand) => c.data.id });
    await handle(add('c-loaded', 1), { metadata: meta() });
    const folded = await loadAggregate(store, counter, 'c-loaded');
    const reads = jest.spyOn(store, 'readStream');
    try {
      expect(await handle(add('c-loaded', 2), { metadata: meta(), loaded: folded })).toMatchObject({ version: 2, state: { total: 3 } });
      expect(reads).not.toHaveBeenCalled();
      // The same fold again: version 1 is behind the stream now.
      expect(await handle(add('c-loaded', 4), { metadata: meta(), loaded: folded })).toMatchObject({ version: 3, state: { total: 7 } });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
    expect((await store.readStream('c-loaded')).map((e) => e.data)).toEqual([{ by: 1 }, { by: 2 }, { by: 4 }]);
  });

  it('without hooks and outside any transaction: the stream read on the pool and a one-statement append, no BEGIN or COMMIT; a conflict retried in a transaction with the stream lock (issue 18 item 3)', async () => {
    // Every statement of a fresh pool, by its first word.
    const sent: string[] = [];
    const pool = db.newPool({ max: 2 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const q = args[0];
        sent.push((typeof q === 'string' ? q : (q as { text: string }).text).trim().split(/\s+/)[0]!);
        return query(...args);
      };
    });
    const own = createEventStore({ pool, schema: db.schema });
    const handle = commandHandler({ store: own, decider: counter, streamId: (c: CounterCommand) => c.data.id });
    await handle(add('c-alone', 2), { metadata: meta() });
    expect(await handle(add('c-alone', 3), { metadata: meta() })).toMatchObject({ version: 2, state: { total: 5 } });
    expect(sent).toEqual(['SELECT', 'INSERT', 'SELECT', 'INSERT']);
    sent.length = 0;
    const always: EventStore = { ...own, readStream: async (id, o) => (await own.readStream(id, o)).slice(0, -1) }; // stale first read
    const stale = commandHandler({ store: always, decider: counter, streamId: (c: CounterCommand) => c.data.id, maxRetries: 1 });
    await expect(stale(add('c-alone', 4), { metadata: meta() })).rejects.toBeInstanceOf(VersionConflictError);
    expect(sent).toEqual(['SELECT', 'INSERT', 'SELECT', 'BEGIN', 'SELECT', 'SELECT', 'INSERT', 'SELECT', 'ROLLBACK']);
    expect((await store.readStream('c-alone')).map((e) => e.data)).toEqual([{ by: 2 }, { by: 3 }]);
  });

  it('gives up after maxRetries with a VersionConflictError', async () => {
    await handlerFor()(add('c-10'), { metadata: meta() });
    const always: EventStore = { ...store, readStream: async (id, o) => (await store.readStream(id, o)).slice(0, -1) }; // always stale
    const stale = commandHandler({ store: always, decider: counter, streamId: (c: CounterCommand) => c.data.id, maxRetries: 2 });
    const spy = jest.spyOn(always, 'appendToStream');
    await expect(stale(add('c-10'), { metadata: meta() })).rejects.toBeInstanceOf(VersionConflictError);
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('20 concurrent handlers on one stream: versions 1..N, no gap, no duplicate, every success stored once', async () => {
    const pool = db.newPool({ max: 20 });
    const s = createEventStore({ pool, schema: db.schema });
    // Retriers queue on the stream lock, so only a writer's one optimistic first attempt can beat a
    // retrier: 19 retries make all 20 succeed whatever the scheduling (the default 3 usually do).
    const handle = commandHandler({ store: s, decider: counter, streamId: (c: CounterCommand) => c.data.id, maxRetries: 19 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => handle(add('hot', i + 1), { metadata: meta('2025-01-01T00:00:00Z', { correlationId: `w-${i}` }) })),
    );
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    for (const f of failed) expect(f).toBeInstanceOf(VersionConflictError);
    const stored = await store.readStream('hot');
    expect(stored.map((e) => e.streamVersion)).toEqual(stored.map((_, i) => i + 1));
    const storedIds = stored.map((e) => e.id).sort();
    expect(storedIds).toEqual(ok.flatMap((r) => r.events.map((e) => e.id)).sort());
    expect(new Set(stored.map((e) => e.correlationId)).size).toBe(stored.length);
    expect(ok).toHaveLength(20);
  });
});
