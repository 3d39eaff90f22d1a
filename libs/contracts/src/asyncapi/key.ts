import type { EventDefinition } from '../registry';

/**
 * The data field an event's Kafka key is taken from (`orderId`, `buyerId` on buyers.v1), read off
 * the definition's `key` function by calling it on a probe whose every property is its own name.
 * Undefined when the key is not a plain field (then the document describes the key generically).
 */
export const keyField = (def: EventDefinition): string | undefined => {
  if (!def.key) return undefined;
  const probe = new Proxy({}, { get: (_target, prop) => (typeof prop === 'string' ? prop : undefined) });
  try {
    const field: unknown = def.key(probe);
    return typeof field === 'string' && field.length > 0 ? field : undefined;
  } catch {
    return undefined;
  }
};
