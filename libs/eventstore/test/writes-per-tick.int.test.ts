import { type TestDatabase, testDatabase } from '@bp/testing';
import type { Socket } from 'node:net';
import type { Pool, PoolClient } from 'pg';
import { writesPerTick } from '../src';

/**
 * Issue 18 item 1: the statements a pipelined connection sends in one turn of the event loop go
 * out in one socket write (node-postgres alone corks per statement: one write each).
 */
let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await testDatabase('es_writes_per_tick');
  pool = db.newPool({ pipeline: true });
});
afterAll(async () => {
  await pool.end();
  await db.close();
});

/** Socket writes (each a writev or write syscall) while three statements are sent in one turn and answered. */
const writesFor = async (client: PoolClient) => {
  const stream = (client as unknown as { connection: { stream: Socket & { _writev: (...a: unknown[]) => void; _write: (...a: unknown[]) => void } } })
    .connection.stream;
  let writes = 0;
  const writev = stream._writev.bind(stream);
  const write = stream._write.bind(stream);
  stream._writev = (...a) => (writes++, writev(...a));
  stream._write = (...a) => (writes++, write(...a));
  try {
    const answers = await Promise.all([
      client.query('SELECT 1 AS n'),
      client.query('SELECT $1::int AS n', [2]),
      client.query({ name: 'wpt_three', text: 'SELECT 3 AS n' }),
    ]);
    expect(answers.map((r) => r.rows[0].n)).toEqual([1, 2, 3]);
  } finally {
    stream._writev = writev;
    stream._write = write;
  }
  return writes;
};

describe('writesPerTick', () => {
  it('three statements sent in one turn leave in one write (one per statement without it), and are answered as before', async () => {
    const client = await pool.connect();
    try {
      expect(await writesFor(client)).toBe(3);
      writesPerTick(client);
      writesPerTick(client); // installing twice changes nothing
      expect(await writesFor(client)).toBe(1);
      // Statements of later turns are not held back: each turn is flushed on its own.
      expect((await client.query('SELECT 4 AS n')).rows[0].n).toBe(4);
      expect((await client.query('SELECT 5 AS n')).rows[0].n).toBe(5);
    } finally {
      client.release();
    }
  });
});
