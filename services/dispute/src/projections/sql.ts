/** Schema names come from config (never from users); quoted after a plain-identifier check. */
export const table = (schema: string, name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return `"${schema}".${name}`;
};
