import { z } from 'zod';

/**
 * The schema format of every payload and header schema in the AsyncAPI document.
 *
 * zod emits JSON Schema draft 2020-12 by default, but AsyncAPI 3.0 only names draft-07 among the
 * JSON Schema formats, and @asyncapi/parser 3 registers no parser for draft 2020-12: a Multi Format
 * Schema Object declaring it is accepted WITHOUT being validated at all (any schemaFormat it does not
 * know is skipped silently). So the document carries draft-07 (zod's `target: 'draft-7'`), which the
 * parser validates and which means the same thing to partners' tools (draft-07 has no `prefixItems`).
 * The standalone JSON Schemas (`exportJsonSchemas`) stay draft 2020-12.
 */
export const ASYNCAPI_SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

export type JsonSchema = Record<string, unknown>;

/** A zod schema as draft-07 JSON Schema, as the producer's input (before defaults and transforms). */
export const toDraft07 = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as JsonSchema;

/** AsyncAPI 3 Multi Format Schema Object holding the draft-07 form of a zod schema. */
export const multiFormatSchema = (schema: z.ZodType): { schemaFormat: string; schema: JsonSchema } => ({
  schemaFormat: ASYNCAPI_SCHEMA_FORMAT,
  schema: toDraft07(schema),
});
