import { createServer, type AddressInfo, type Server, Socket } from 'node:net';

/** Which way bytes flow: client → upstream ('up') or upstream → client ('down'). */
export type Direction = 'up' | 'down';

export interface ProxyFaults {
  /** Added latency per chunk in ms, per direction. */
  delayMs?: Partial<Record<Direction, number>>;
  /** Blackhole: bytes in that direction are swallowed (the connection stays open, nothing arrives). */
  drop?: Partial<Record<Direction, boolean>>;
  /** Refuse new connections (accept then destroy at once). */
  refuse?: boolean;
}

/**
 * A toxiproxy-like TCP proxy for tests (reliability.md §0: no toxiproxy binary here): listens on a
 * loopback port, pipes every connection to `target`, and injects faults per direction: delay,
 * drop (blackhole), refuse, and `cut()` which resets every open connection.
 */
export interface TcpProxy {
  host: string;
  port: number;
  /** `host:port` of the proxy, for a client's connection string. */
  address: string;
  /** Replaces the active faults (`{}` heals everything). */
  set(faults: ProxyFaults): void;
  /** Destroys every open connection in both directions (a network cut); new ones still connect. */
  cut(): number;
  /** Connections currently open and accepted in total; bytes forwarded and bytes a drop swallowed. */
  stats(): { open: number; accepted: number; bytes: Record<Direction, number>; dropped: Record<Direction, number> };
  close(): Promise<void>;
}

export const startTcpProxy = async (target: { host: string; port: number }, o: { listenPort?: number } = {}): Promise<TcpProxy> => {
  let faults: ProxyFaults = {};
  const open = new Set<Socket>();
  let accepted = 0;
  const bytes: Record<Direction, number> = { up: 0, down: 0 };
  const dropped: Record<Direction, number> = { up: 0, down: 0 };

  /** Forwards `from` → `to` in order, applying the faults of `dir` at the time each chunk arrives. */
  const pipe = (from: Socket, to: Socket, dir: Direction) => {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      if (faults.drop?.[dir]) {
        dropped[dir] += chunk.length;
        return;
      }
      const delay = faults.delayMs?.[dir] ?? 0;
      chain = chain.then(async () => {
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        if (faults.drop?.[dir] || to.destroyed) {
          dropped[dir] += chunk.length;
          return;
        }
        bytes[dir] += chunk.length;
        to.write(chunk);
      });
    });
  };

  const server: Server = createServer((client) => {
    accepted++;
    if (faults.refuse) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    open.add(client);
    open.add(upstream);
    const closeBoth = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.connect(target.port, target.host);
    pipe(client, upstream, 'up');
    pipe(upstream, client, 'down');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.listenPort ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const cut = () => {
    const n = open.size;
    for (const s of [...open]) s.resetAndDestroy?.() ?? s.destroy();
    open.clear();
    return n;
  };

  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    set: (f) => {
      faults = { ...f };
    },
    cut,
    stats: () => ({ open: open.size / 2, accepted, bytes: { ...bytes }, dropped: { ...dropped } }),
    close: async () => {
      cut();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
};
