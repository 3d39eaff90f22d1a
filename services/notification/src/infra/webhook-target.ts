import { lookup } from 'node:dns/promises';
import { isIP, type BlockList } from 'node:net';
import { forbiddenRange, webhookHost } from '../domain/webhooks/target';

/** A name's addresses (A and AAAA). Production: the system resolver; tests: a stub, never DNS. */
export type Resolve = (hostname: string) => Promise<string[]>;

/** What decides where webhooks may go: the operator's allowlist and the resolver. */
export interface WebhookTargetGuard {
  allowed: BlockList;
  resolve: Resolve;
  /** How long a resolution may take (the delivery's timeout). */
  timeoutMs: number;
}

export type TargetCheck = { kind: 'allowed'; address: string; family: 4 | 6 } | { kind: 'forbidden'; range: string } | { kind: 'unresolved'; error: string };

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('resolution timed out'), { code: 'DNS_TIMEOUT' })), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });

/**
 * Resolves a webhook URL's host once and judges EVERY address it has: one forbidden address refuses
 * the target (a rebinding name may answer a public and a private address). An allowed target comes
 * with the one address to connect to, so the connection cannot be steered by a second resolution.
 */
export const checkWebhookTarget = async (url: string, guard: WebhookTargetGuard): Promise<TargetCheck> => {
  const { host, literal } = webhookHost(url);
  let addresses: string[];
  try {
    addresses = literal ? [host] : await withTimeout(guard.resolve(host), guard.timeoutMs);
  } catch (err) {
    return { kind: 'unresolved', error: String((err as { code?: unknown }).code ?? 'DNS_ERROR') };
  }
  if (addresses.length === 0) return { kind: 'unresolved', error: 'ENOTFOUND' };
  for (const a of addresses) {
    const range = forbiddenRange(a, guard.allowed);
    if (range) return { kind: 'forbidden', range };
  }
  const address = addresses[0]!;
  return { kind: 'allowed', address, family: isIP(address) === 6 ? 6 : 4 };
};

/** The system resolver (getaddrinfo: hosts file, then DNS): every address of a name, as returned. */
export const systemResolver: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
