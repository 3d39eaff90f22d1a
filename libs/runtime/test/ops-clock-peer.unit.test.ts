import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { peerParticipant } from '../src/ops-clock';

/** A clock move settles every peer over HTTP; one that never answers must not hold it forever. */
describe('settling a peer service', () => {
  let server: Server;
  let url: string;
  let answer: 'report' | 'never' | 'refuse' = 'report';
  const seen: Array<string | undefined> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (answer === 'never') return; // the socket stays open, nothing is sent
      if (answer === 'refuse') return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ fired: 1, published: 2, lag: 0 }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });

  it("reports what the peer answered, sent with the caller's authorization", async () => {
    answer = 'report';
    expect(await peerParticipant('escrow', url, 'Bearer ops-token').settle()).toEqual({ fired: 1, published: 2, lag: 0 });
    expect(seen.at(-1)).toBe('Bearer ops-token');
  });

  it('a peer that never answers fails the round after the bound, naming the peer', async () => {
    answer = 'never';
    const started = Date.now();
    await expect(peerParticipant('escrow', url, undefined, 300).settle()).rejects.toThrow('escrow could not settle: no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a refusal fails the round with its status', async () => {
    answer = 'refuse';
    await expect(peerParticipant('dispute', url, undefined).settle()).rejects.toThrow('dispute could not settle: HTTP 503');
  });
});
