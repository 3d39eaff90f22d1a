import { existsSync } from 'node:fs';
import { get } from 'node:http';

/** True when a Docker engine answers GET /_ping on its unix socket. */
export const dockerAnswers = (): Promise<boolean> =>
  new Promise((resolve) => {
    const host = process.env.DOCKER_HOST ?? '';
    const socketPath = host.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
    if (!existsSync(socketPath)) return resolve(false);
    const req = get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
