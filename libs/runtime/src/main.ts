import { createLogger } from '@bp/http';
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config';
import type { ServiceModule } from './module';
import { prepareService, startService } from './service';

/**
 * A service process: config from the environment, start, stop cleanly on SIGINT/SIGTERM (and on an
 * uncaught error) through close-with-grace: `service.stop()` closes the Fastify app, whose preClose
 * and onClose hooks stop the parts in order; exit 1 if one failed or the grace delay ran out; a
 * second signal exits at once.
 */
export const runMain = async (module: ServiceModule): Promise<void> => {
  const config = loadConfig(module.name);
  const logger = createLogger({ name: `${module.name}-service`, level: config.LOG_LEVEL });
  try {
    const service = await startService(module, { config, logger });
    closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS, logger }, async ({ err, signal }) => {
      if (err) logger.error({ err }, 'stopping after an uncaught error');
      const clean = await service.stop();
      logger.info({ signal, clean }, 'stopped');
      // close-with-grace exits 1 when this rejects (or on an error), 0 otherwise.
      if (!clean) throw new Error('a part of the service did not close cleanly');
    });
  } catch (err) {
    logger.fatal({ err }, 'service failed to start');
    process.exit(1);
  }
};

/** Migrations only (the Kubernetes Job before a rollout); idempotent, like the ones at start. */
export const runMigrations = async (module: ServiceModule): Promise<void> => {
  const config = loadConfig(module.name);
  const logger = createLogger({ name: `${module.name}-migrate`, level: config.LOG_LEVEL });
  const { ctx } = await prepareService(module, { config, logger });
  await ctx.pool.end();
  logger.info('migrations applied');
};
