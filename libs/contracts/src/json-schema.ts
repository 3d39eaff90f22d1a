import { z } from 'zod';
import type { EventDefinition } from './registry';

/** JSON Schema (draft 2020-12) of each event's data, keyed by CloudEvents type or event type. */
export const exportJsonSchemas = (defs: readonly EventDefinition[]): Record<string, unknown> =>
  Object.fromEntries(defs.map((d) => [d.ceType ?? `${d.type}.v${d.version}`, z.toJSONSchema(d.schema, { io: 'input' })]));
