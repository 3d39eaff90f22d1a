/**
 * E4: the built-in sandbox provider as a pure model. The adapter (I/O) asks this what to answer:
 *   tok_ok       -> captured at once
 *   tok_declined -> declined (the order stays unpaid)
 *   tok_slow     -> pending; the capture is confirmed later by a webhook
 * Any other token is declined as `invalid_token`. Sandbox refunds succeed; failures are injected by
 * the adapter's configuration, not by the token.
 */
export type SandboxOutcome = { kind: 'captured' } | { kind: 'declined'; reason: 'card_declined' | 'invalid_token' } | { kind: 'pending' };

export const SANDBOX_TOKENS = { ok: 'tok_ok', declined: 'tok_declined', slow: 'tok_slow' } as const;

export const sandboxOutcome = (token: string): SandboxOutcome => {
  switch (token) {
    case SANDBOX_TOKENS.ok:
      return { kind: 'captured' };
    case SANDBOX_TOKENS.declined:
      return { kind: 'declined', reason: 'card_declined' };
    case SANDBOX_TOKENS.slow:
      return { kind: 'pending' };
    default:
      return { kind: 'declined', reason: 'invalid_token' };
  }
};

/** Deterministic provider reference for a sandbox capture of a payment (so a replayed answer dedupes). */
export const sandboxProviderRef = (paymentId: string): string => `sbx_cap_${paymentId}`;
export const sandboxRefundRef = (refundId: string): string => `sbx_ref_${refundId}`;
