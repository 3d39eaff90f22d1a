import { type TestDatabase, testDatabase } from '@bp/testing';
import { type EventStore, START, StaleTransactionError, VersionConflictError, createEventStore, recordInboxMany, withRetriedTransaction } from '../src';
import { meta } from './fixtures';

// read-all orders by transaction id (gap safety). A transaction that wrote something before it
// appends (a consumer's inbox row, a scheduler's claim) holds an older id than a command that
// appended to the same stream meanwhile; its append must be refused, or read-all would deliver the
// stream's events out of order.
jest.setTimeout(120_000);

let db: TestDatabase;
let store: EventStore;
beforeAll(async () => {
  db = await testDatabase('es_order');
  store = createEventStore({ pool: db.pool, schema: db.schema });
  await store.migrate();
});
afterAll(() => db.close());

const ev = (n: number) => ({ type: 'Step', data: { n } });

it('refuses an append from a transaction older than the stream head, and the retry keeps stream order', async () => {
  const early = await db.pool.connect();
  try {
    await early.query('BEGIN');
    await recordInboxMany(early, db.schema, [{ eventId: '00000000-0000-4000-8000-000000000001', source: 'test' }]); // takes a transaction id now

    await store.appendToStream(db.pool, 's-1', 0, [ev(1)], meta()); // a later transaction appends and commits

    await expect(store.appendToStream(early, 's-1', 1, [ev(2)], meta())).rejects.toBeInstanceOf(StaleTransactionError);
    await early.query('ROLLBACK');
  } finally {
    early.release();
  }
  await store.withTransaction((tx) => store.appendToStream(tx, 's-1', 1, [ev(2)], meta()));

  let page = await store.readAll({ after: START, limit: 100 });
  while (page.events.length < 2) page = await store.readAll({ after: START, limit: 100 });
  expect(page.events.filter((e) => e.streamId === 's-1').map((e) => e.streamVersion)).toEqual([1, 2]);
});

it('still accepts an older transaction on a stream nobody touched since', async () => {
  const early = await db.pool.connect();
  try {
    await early.query('BEGIN');
    await recordInboxMany(early, db.schema, [{ eventId: '00000000-0000-4000-8000-000000000002', source: 'test' }]);
    await store.appendToStream(db.pool, 'other', 0, [ev(1)], meta());
    await expect(store.appendToStream(early, 's-2', 0, [ev(1)], meta())).resolves.toHaveLength(1);
    await early.query('COMMIT');
  } finally {
    early.release();
  }
});

it('withRetriedTransaction runs work that went stale again in a new transaction, which then appends in stream order', async () => {
  await store.appendToStream(db.pool, 's-3', 0, [ev(1)], meta());
  let attempts = 0;
  const appended = await withRetriedTransaction(db.pool, async (tx) => {
    attempts++;
    await recordInboxMany(tx, db.schema, [{ eventId: `00000000-0000-4000-8000-00000000001${attempts}`, source: 'test' }]); // takes a transaction id now
    // A concurrent writer appends to the stream once, after our transaction took its id.
    if (attempts === 1) await store.appendToStream(db.pool, 's-3', 1, [ev(2)], meta());
    const head = (await store.readStream('s-3', { tx })).length;
    return store.appendToStream(tx, 's-3', head, [ev(head + 1)], meta());
  });
  expect(attempts).toBe(2); // the first went stale; nothing of it was kept
  expect(appended.map((e) => e.streamVersion)).toEqual([3]);
  expect((await store.readStream('s-3')).map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
});

it('withRetriedTransaction gives up after its retries and throws the conflict', async () => {
  let attempts = 0;
  await expect(
    withRetriedTransaction(
      db.pool,
      async (tx) => {
        attempts++;
        return store.appendToStream(tx, 's-4', 5, [ev(1)], meta()); // the stream is not at 5, on every attempt
      },
      2,
    ),
  ).rejects.toBeInstanceOf(VersionConflictError);
  expect(attempts).toBe(3);
});
