import { testDatabase } from '../src';

describe('test database', () => {
  it('gives each test file its own schema on a real PostgreSQL', async () => {
    const a = await testDatabase('a');
    const b = await testDatabase('b');
    try {
      expect(a.schema).not.toBe(b.schema);
      await a.pool.query(`CREATE TABLE ${a.schema}.x (n int)`);
      const { rows } = await b.pool.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`, [b.schema]);
      expect(rows[0].n).toBe(0);
      const v = await a.pool.query('SELECT pg_current_xact_id()::text AS xid');
      expect(Number(v.rows[0].xid)).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
