import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { buildAsyncApi, exportJsonSchemas, publicEvents } from '@bp/contracts';
import { createServiceApp, registerAsyncApi } from '@bp/http';
import { authFromConfig, type ServiceModule } from '@bp/runtime';
import { availableModules } from '../modules';
import { inertContext, inertPool } from './inert-context';

/** Where the published contract lives, relative to the repository root (issue 19 item 2). */
export const PUBLISHED_DIR = 'libs/contracts/published';
export const PUBLISH_COMMAND = 'npm run contracts:publish';
/** Where the same command writes the typed client's types (@bp/client), generated from the OpenAPI files. */
export const CLIENT_GENERATED_DIR = 'libs/client/src/generated';

/**
 * One stable text per document: two-space indent, keys in the order the code builds them (paths in
 * registration order, properties as the zod schemas declare them), a trailing newline; so a release
 * diff shows only what changed in the contract.
 */
export const render = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

/**
 * A service's OpenAPI document exactly as its `/docs/json` serves it: the runtime's HTTP kit, the
 * AsyncAPI route and the module's routes (as startService registers them, without the simulated
 * clock's ops routes, which production does not have), on an inert context, never listening.
 */
export const serviceOpenApi = async (module: ServiceModule): Promise<unknown> => {
  const pool = inertPool();
  const ctx = inertContext(module, pool);
  const app = await createServiceApp({
    name: `${module.name}-service`,
    logger: ctx.logger,
    pool,
    schema: ctx.schema,
    auth: authFromConfig(ctx.config),
    readiness: async () => false,
    idempotencyKeyTtl: ctx.policy.api.idempotencyKeyTtl,
    validateResponses: false,
  });
  try {
    registerAsyncApi(app as never, buildAsyncApi());
    await module.routes(app, ctx);
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
  }
};

/** Every published file, path (under PUBLISHED_DIR) -> content, generated from the code. */
export const publishedDocuments = async (): Promise<Map<string, string>> => {
  const files = new Map<string, string>();
  for (const module of availableModules()) files.set(`openapi/${module.name}.json`, render(await serviceOpenApi(module)));
  files.set('asyncapi.json', render(buildAsyncApi()));
  for (const [ceType, schema] of Object.entries(exportJsonSchemas(publicEvents))) files.set(`events/${ceType}.schema.json`, render(schema));
  return files;
};

/** The generated files the folder holds (README.md is written by hand). */
export const isGenerated = (relative: string): boolean => relative.endsWith('.json');

/** Every file below `dir`, as paths relative to it. */
export const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
};
