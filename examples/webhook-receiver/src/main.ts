// `npm start`: the reference receiver as a process, configured from the environment (config.ts).
import { configFromEnv } from './config';
import { createReferenceReceiver, receiverLogger } from './receiver';

const main = async (): Promise<void> => {
  const config = configFromEnv(process.env);
  const logger = receiverLogger();
  const app = createReferenceReceiver({
    secrets: config.secrets,
    path: config.path,
    toleranceSeconds: config.toleranceSeconds,
    logger,
    // Your business effect goes here, keyed by event.id (the CloudEvent id) so a redelivery after the
    // tolerance does it once; throw to have the delivery retried. The receiver logs each one it processed.
    handler: () => undefined,
  });
  await app.listen({ host: config.host, port: config.port });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
};

main().catch((err: Error) => {
  console.error(`webhook receiver: ${err.message}`);
  process.exit(1);
});
