import { z } from 'zod';
import { defineEvent, exportJsonSchemas, publicEvents } from '../src';

/** The standalone JSON Schema export (draft 2020-12) covers every public event the registry knows. */
describe('exportJsonSchemas', () => {
  const schemas = exportJsonSchemas(publicEvents) as Record<
    string,
    { $schema: string; type: string; properties: Record<string, unknown>; required?: string[] }
  >;

  it('holds one schema per public event, keyed by its CloudEvents type', () => {
    expect(Object.keys(schemas).sort()).toEqual(publicEvents.map((e) => e.ceType).sort());
    expect(new Set(publicEvents.map((e) => e.ceType)).size).toBe(publicEvents.length);
  });

  it.each(publicEvents.map((e) => [e.ceType!, e] as const))('%s: draft 2020-12 object with exactly the zod fields', (ceType, event) => {
    const schema = schemas[ceType]!;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(event.schema).toBeInstanceOf(z.ZodObject);
    const shape = (event.schema as z.ZodObject).shape;
    expect(Object.keys(schema.properties)).toEqual(Object.keys(shape));
    // A field the producer must send is required in the schema, an optional one is not.
    const required = Object.keys(shape).filter((k) => !(shape[k] as z.ZodType).safeParse(undefined).success);
    expect([...(schema.required ?? [])].sort()).toEqual(required.sort());
  });

  it('names a private (topic-less) event by type and version', () => {
    const Private = defineEvent({ type: 'NoteAdded', version: 2, schema: z.object({ text: z.string() }), upcasters: [(d: { t: string }) => ({ text: d.t })] });
    expect(Object.keys(exportJsonSchemas([Private]))).toEqual(['NoteAdded.v2']);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(exportJsonSchemas(publicEvents))).toBe(JSON.stringify(schemas));
  });
});
