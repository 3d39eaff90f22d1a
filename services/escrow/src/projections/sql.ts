/** A quoted, schema-qualified table name (schema names come from configuration, never from input). */
export const table = (schema: string, name: string): string => `"${schema}".${name}`;
