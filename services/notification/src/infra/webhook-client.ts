/** One webhook POST with a short timeout. Never throws: the outcome is recorded as an attempt. */
export interface WebhookResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

export type PostWebhook = (url: string, body: string, headers: Record<string, string>) => Promise<WebhookResult>;

export const createWebhookClient =
  (timeoutMs: number): PostWebhook =>
  async (url, body, headers) => {
    try {
      const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      // The partner's answer body is not read beyond draining it: only the status matters.
      await res.arrayBuffer().catch(() => undefined);
      const ok = res.status >= 200 && res.status < 300;
      return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}` };
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      return { ok: false, status: null, error: e.name === 'TimeoutError' ? 'TIMEOUT' : (e.cause?.code ?? 'NETWORK_ERROR') };
    }
  };
