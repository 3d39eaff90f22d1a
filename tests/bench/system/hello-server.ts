import Fastify from 'fastify';

/**
 * Fastify hello world, the HTTP ceiling of this machine, in its own process so its event loop is not
 * the load generator's (the services run in their own processes too). argv: <port>. Says "ready".
 */
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' }).then(() => process.stdout.write('ready\n'));
