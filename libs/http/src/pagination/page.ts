import { defaultPolicy } from '@bp/timers';
import { z } from 'zod';
import { problem } from '../problems/problem';

const { maxPageSize, defaultPageSize } = defaultPolicy.api;

/** Query fields of every list (`?limit=&cursor=`); extend it with the list's own filters. */
export const PageShape = {
  limit: z.coerce.number().int().min(1).max(maxPageSize).default(defaultPageSize),
  cursor: z.string().min(1).max(1024).optional(),
};
export const Page = z.object(PageShape);
export type Page = z.infer<typeof Page>;

/** `{ items, nextCursor }`: nextCursor is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Opaque to clients: base64url of JSON (the position of the last item served). */
export const encodeCursor = (position: Record<string, unknown>): string => Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

/** Parses a cursor we issued; anything else is a 400 INVALID_CURSOR, optionally checked by `schema`. */
export function decodeCursor(cursor: string): Record<string, unknown>;
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.infer<S>;
export function decodeCursor(cursor: string, schema?: z.ZodType): unknown {
  const invalid = () => problem('INVALID_CURSOR', 400, 'the cursor is not one this list issued');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid();
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid();
  return parsed.data;
}
