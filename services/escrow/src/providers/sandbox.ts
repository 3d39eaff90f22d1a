import { sandboxOutcome, sandboxProviderRef, sandboxRefundRef } from '../domain';
import type { CaptureRequest, CaptureResult, PaymentProvider, RefundRequest, RefundResult } from './provider';

export interface SandboxOptions {
  /** The next n refund calls fail (tests of E4 retries); more with `failNextRefunds`. */
  failRefunds?: number;
  /** Called for a `tok_slow` payment: the sandbox confirms it later by webhook (see sandbox-webhooks). */
  onPending?: (request: CaptureRequest & { providerRef: string }) => Promise<void>;
}

export interface SandboxProvider extends PaymentProvider {
  failNextRefunds(n: number): void;
  /** Refund calls received, per refund id (all ids when omitted). */
  refundCalls(refundId?: string): number;
  /** Refunds the sandbox actually paid out, by refund id: at most once each (idempotency key). */
  refundsPaid(): ReadonlyMap<string, number>;
}

/**
 * E4: the built-in provider. Captures follow the token (domain `sandboxOutcome`); refunds succeed
 * unless failures were injected, and are paid once per refund id however often they are asked for.
 * Its bookkeeping is in memory: it plays an external system, not part of the escrow's state.
 */
export const createSandboxProvider = (o: SandboxOptions = {}): SandboxProvider => {
  let failures = o.failRefunds ?? 0;
  const calls = new Map<string, number>();
  const paid = new Map<string, number>();
  /** Captures answered, by payment id: a repeated call returns the first outcome (E4 idempotency). */
  const captures = new Map<string, CaptureResult>();
  const firstCapture = async (request: CaptureRequest): Promise<CaptureResult> => {
    const outcome = sandboxOutcome(request.token);
    const providerRef = sandboxProviderRef(request.paymentId);
    if (outcome.kind === 'captured') return { status: 'captured', providerRef };
    if (outcome.kind === 'declined') return { status: 'declined', reason: outcome.reason };
    await o.onPending?.({ ...request, providerRef });
    return { status: 'pending', providerRef };
  };
  return {
    name: 'sandbox',
    // The memory lives as long as the process; after a restart the same request gets the same answer
    // anyway (the outcome follows the token, the reference follows the payment id).
    async capture(request: CaptureRequest): Promise<CaptureResult> {
      const known = captures.get(request.paymentId);
      if (known) return known;
      const answer = await firstCapture(request);
      captures.set(request.paymentId, answer);
      return answer;
    },
    async refund(request: RefundRequest): Promise<RefundResult> {
      calls.set(request.refundId, (calls.get(request.refundId) ?? 0) + 1);
      if (failures > 0) {
        failures -= 1;
        return { status: 'failed', error: 'sandbox_injected_failure' };
      }
      if (!paid.has(request.refundId)) paid.set(request.refundId, request.amount.amount);
      return { status: 'succeeded', providerRef: sandboxRefundRef(request.refundId) };
    },
    failNextRefunds: (n) => void (failures += n),
    refundCalls: (refundId) => (refundId ? (calls.get(refundId) ?? 0) : [...calls.values()].reduce((a, b) => a + b, 0)),
    refundsPaid: () => paid,
  };
};
