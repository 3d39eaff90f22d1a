import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback server answering from a script (then 201), recording each request's key and body: for the transports' tests. */
export interface ScriptedServer {
  base: string;
  seen: Array<{ key: string | undefined; body: string }>;
  answers: Array<{ status: number; retryAfter?: string }>;
  reset(): void;
  close(): Promise<void>;
}

export const startScriptedServer = async (): Promise<ScriptedServer> => {
  const s = { seen: [], answers: [] } as unknown as ScriptedServer;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      s.seen.push({ key: req.headers['idempotency-key'] as string | undefined, body });
      const a = s.answers.shift() ?? { status: 201 };
      res.writeHead(a.status, a.retryAfter === undefined ? {} : { 'retry-after': a.retryAfter });
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  s.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.reset = () => {
    s.seen.length = 0;
    s.answers.length = 0;
  };
  s.close = () => new Promise<void>((r) => server.close(() => r()));
  return s;
};
