import { writeFileSync } from 'node:fs';

/**
 * Child process that drives another process's inspector (opened by SIGUSR1) to take a CPU profile:
 * the Chrome DevTools protocol over a WebSocket. Node 20 has WebSocket only behind
 * --experimental-websocket, so this runs as its own process (profile.ts forks it with that flag)
 * and the bench needs no WebSocket dependency. argv: <ws url> <out file>. IPC: 'stop' → writes the
 * profile, sends 'done'.
 */
interface MiniSocket {
  onopen: (() => void) | null;
  onmessage: ((e: { data: string }) => void) | null;
  onerror: ((e: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}
const WS = (globalThis as unknown as { WebSocket?: new (url: string) => MiniSocket }).WebSocket;
const [url, outFile] = process.argv.slice(2) as [string, string];

const main = async () => {
  if (!WS) throw new Error('no WebSocket (run with --experimental-websocket)');
  const ws = new WS(url);
  const pending = new Map<number, (result: unknown) => void>();
  let id = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await new Promise<void>((resolve, reject) => ((ws.onopen = () => resolve()), (ws.onerror = reject)));
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data) as { id?: number; result?: unknown };
    if (m.id !== undefined) pending.get(m.id)?.(m.result), pending.delete(m.id);
  };
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 1000 });
  await call('Profiler.start');
  process.send?.('started');
  await new Promise<void>((r) => process.once('message', () => r()));
  const { profile } = (await call('Profiler.stop')) as { profile: unknown };
  writeFileSync(outFile, JSON.stringify(profile));
  await call('Profiler.disable');
  ws.close();
  process.send?.('done');
};

main().catch((err: unknown) => {
  process.send?.(`error: ${(err as Error).message}`);
  process.exit(1);
});
