import { createServer } from 'node:net';

/**
 * Fails fast, with the port named, when something already listens there: most often a previous
 * `npm start` still running, whose services would otherwise answer the new one's health checks.
 */
export const assertPortsFree = async (ports: { port: number; what: string }[], host = '127.0.0.1'): Promise<void> => {
  const busy: string[] = [];
  for (const { port, what } of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    if (!free) busy.push(`${host}:${port} (${what})`);
  }
  if (busy.length) throw new Error(`already in use: ${busy.join(', ')}. Is another \`npm start\` running?`);
};
