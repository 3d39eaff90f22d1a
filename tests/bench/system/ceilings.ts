import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { freePort, ROOT } from './system-under-test';

/**
 * The machine's ceilings, measured in the same run as the system so the ratios share the same
 * noise: single-row commits/s on the system's own PostgreSQL (durable commits, one INSERT per
 * transaction, autocommit) and Fastify hello-world requests/s with autocannon.
 */
export interface Ceilings {
  commits1: number;
  commits16: number;
  fastifyRps: number;
  fastifyP99Ms: number;
}

const commitsPerSecond = async (databaseUrl: string, connections: number, seconds: number): Promise<number> => {
  const pool = new Pool({ connectionString: databaseUrl, max: connections });
  try {
    await pool.query('CREATE SCHEMA IF NOT EXISTS bench_ceiling');
    await pool.query('CREATE TABLE IF NOT EXISTS bench_ceiling.commits (id bigserial PRIMARY KEY, v text NOT NULL)');
    let n = 0;
    const until = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        const client = await pool.connect();
        try {
          while (performance.now() < until) {
            await client.query('INSERT INTO bench_ceiling.commits (v) VALUES ($1)', ['x']);
            n++;
          }
        } finally {
          client.release();
        }
      }),
    );
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await pool.query('DROP SCHEMA IF EXISTS bench_ceiling CASCADE').catch(() => {});
    await pool.end();
  }
};

const fastifyHello = async (seconds: number): Promise<{ rps: number; p99: number }> => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', path.join(ROOT, 'tools/swc-register.js'), path.join(__dirname, 'hello-server.ts'), String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`hello server exited ${code}`)));
    });
    const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 16, duration: seconds });
    return { rps: r.requests.average, p99: r.latency.p99 };
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
};

export const measureCeilings = async (databaseUrl: string, say: (l: string) => void, seconds = 5): Promise<Ceilings> => {
  const commits1 = await commitsPerSecond(databaseUrl, 1, seconds);
  say(`  postgres commits/s, 1 connection: ${commits1.toFixed(0)}`);
  const commits16 = await commitsPerSecond(databaseUrl, 16, seconds);
  say(`  postgres commits/s, 16 connections: ${commits16.toFixed(0)}`);
  const f = await fastifyHello(seconds);
  say(`  fastify hello world: ${f.rps.toFixed(0)} req/s (p99 ${f.p99} ms), 16 connections`);
  return { commits1, commits16, fastifyRps: f.rps, fastifyP99Ms: f.p99 };
};
