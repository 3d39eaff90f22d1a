import { Client } from 'pg';

/**
 * Every statement any node-postgres Client sends while `fn` runs, with how many of that connection's
 * were still unanswered: a statement sent behind an unanswered one shares its round trip.
 */
export const traceSent = async (fn: () => Promise<unknown>) => {
  const sent: { text: string; behind: number }[] = [];
  const outstanding = new WeakMap<object, number>();
  const query = Client.prototype.query as (...a: unknown[]) => Promise<unknown>;
  Client.prototype.query = function traced(this: Client, ...a: unknown[]) {
    const q = a[0] as string | { text: string };
    const behind = outstanding.get(this) ?? 0;
    sent.push({ text: typeof q === 'string' ? q : q.text, behind });
    outstanding.set(this, behind + 1);
    const r = query.apply(this, a);
    void r.finally(() => outstanding.set(this, (outstanding.get(this) ?? 1) - 1)).catch(() => undefined);
    return r;
  } as typeof Client.prototype.query;
  try {
    await fn();
  } finally {
    Client.prototype.query = query as typeof Client.prototype.query;
  }
  return sent;
};
