import fp from 'fastify-plugin';
import { sendProblem } from '../problems/plugin';
import { problemBody } from '../problems/problem';

export interface HealthOptions {
  /** Dependencies reachable (database, broker)? Throwing counts as not ready. */
  readiness?: () => Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** True once shutdown began: readiness fails so load balancers stop sending traffic. */
    shuttingDown: boolean;
  }
}

export const healthPlugin = fp<HealthOptions>(
  async (app, o) => {
    app.decorate('shuttingDown', false);
    app.addHook('preClose', async () => {
      app.shuttingDown = true;
    });

    const hidden = { hide: true } as Record<string, unknown>;
    app.get('/health/live', { config: { public: true }, schema: hidden }, async () => ({ status: 'ok' }));

    app.get('/health/ready', { config: { public: true }, schema: hidden }, async (request, reply) => {
      let ready = !app.shuttingDown;
      if (ready && o.readiness) {
        try {
          ready = await o.readiness();
        } catch (err) {
          request.log.warn({ err }, 'readiness check failed');
          ready = false;
        }
      }
      if (ready) return { status: 'ready' };
      return sendProblem(reply, problemBody('NOT_READY', 503, app.shuttingDown ? 'shutting down' : 'a dependency is not available'));
    });
  },
  { name: '@bp/http/health', fastify: '5.x' },
);
