import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookTarget, type WebhookTargetGuard } from './webhook-target';

/** One webhook POST with a short timeout. Never throws: the outcome is recorded as an attempt. */
export interface WebhookResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

export type PostWebhook = (url: string, body: string, headers: Record<string, string>) => Promise<WebhookResult>;

/** node:http(s) `request`, replaceable so a test can prove that no connection was attempted. */
export type Transport = (url: URL, options: RequestOptions, onResponse: (res: IncomingMessage) => void) => ClientRequest;
const nodeTransport: Transport = (url, options, onResponse) => (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, onResponse);

/**
 * The lookup the socket uses: always the address that was checked, whatever name it is asked for,
 * so DNS rebinding between the check and the connect cannot redirect the POST. (An IP-literal
 * host never reaches a lookup; it was checked as it is.) Node asks with `all` when it races
 * address families.
 */
export const pinnedLookup =
  (address: string, family: 4 | 6): LookupFunction =>
  (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };

/**
 * N4 delivery with the SSRF guard (issue 17): resolve the host once, refuse it when any address is
 * in a refused range (WEBHOOK_TARGET_FORBIDDEN, recorded as a failed attempt and retried like any
 * other failure: DNS may be fixed), else connect to exactly the checked address. Redirects are not
 * followed (a 3xx is a failed attempt), so a partner cannot bounce the POST to a refused address.
 */
export const createWebhookClient =
  (timeoutMs: number, guard: WebhookTargetGuard, transport: Transport = nodeTransport): PostWebhook =>
  async (url, body, headers) => {
    const target = await checkWebhookTarget(url, guard);
    if (target.kind === 'forbidden') return { ok: false, status: null, error: 'WEBHOOK_TARGET_FORBIDDEN' };
    if (target.kind === 'unresolved') return { ok: false, status: null, error: target.error };
    const payload = Buffer.from(body, 'utf8');
    return new Promise<WebhookResult>((resolve) => {
      let req: ClientRequest;
      try {
        req = transport(
          new URL(url),
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers, 'content-length': String(payload.length) },
            lookup: pinnedLookup(target.address, target.family),
            signal: AbortSignal.timeout(timeoutMs),
          },
          (res) => {
            // The partner's answer body is not read beyond draining it: only the status matters.
            res.resume();
            res.on('error', () => {}); // an abort after the status line changes nothing
            const status = res.statusCode ?? 0;
            const ok = status >= 200 && status < 300;
            resolve({ ok, status, error: ok ? null : `HTTP ${status}` });
          },
        );
      } catch (err) {
        resolve({ ok: false, status: null, error: (err as { code?: string }).code ?? 'NETWORK_ERROR' });
        return;
      }
      req.on('error', (err: Error & { code?: string }) => {
        const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError' || err.code === 'ABORT_ERR';
        resolve({ ok: false, status: null, error: timedOut ? 'TIMEOUT' : (err.code ?? 'NETWORK_ERROR') });
      });
      req.end(payload);
    });
  };
