import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_SMTP_PORT } from '../local-env';

export interface RunningSmtp {
  url: string;
  /** Where the messages land (one .eml file each); undefined for an external SMTP_URL. */
  dir: string | undefined;
  stop(): Promise<void>;
}

/**
 * A local mail sink for the notification service: accepts anything, stores each message as an
 * .eml file under `<data>/mail`, delivers nothing. SMTP_URL (a real server or a catcher) wins.
 */
export const startSmtp = async (data: string, env: NodeJS.ProcessEnv): Promise<RunningSmtp> => {
  if (env.SMTP_URL) return { url: env.SMTP_URL, dir: undefined, stop: async () => {} };
  // Loaded here, on the dev path only: smtp-server is a devDependency, absent from the image.
  const { SMTPServer } = await import('smtp-server');
  const dir = join(data, 'mail');
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Plain text on loopback: no certificate to manage for a sink.
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: 'buyer-protection dev mail sink',
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${++n}-${to.replace(/[^a-z0-9@._-]/gi, '_').slice(0, 80)}.eml`;
        try {
          writeFileSync(join(dir, name), Buffer.concat(chunks));
          callback();
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });
  const port = Number(env.SMTP_PORT ?? LOCAL_SMTP_PORT);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: Error) => {
    throw new Error(`the mail sink could not listen on 127.0.0.1:${port} (${err.message}); set SMTP_PORT or SMTP_URL`);
  });
  server.on('error', () => {}); // a client's broken connection is not the sink's failure
  return { url: `smtp://127.0.0.1:${port}`, dir, stop: () => new Promise<void>((r) => server.close(() => r())) };
};
