import { createLogger, handleSignals } from '@bp/http';
import { loadConfig } from './config';
import type { ServiceModule } from './module';
import { prepareService, startService } from './service';

/** A service process: config from the environment, start, stop cleanly on SIGINT/SIGTERM. */
export const runMain = async (module: ServiceModule): Promise<void> => {
  const config = loadConfig(module.name);
  const logger = createLogger({ name: `${module.name}-service`, level: config.LOG_LEVEL });
  try {
    const service = await startService(module, { config, logger });
    handleSignals(service.shutdown);
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
