import type { Money } from '@bp/contracts';

/** E4: what escrow asks of a payment provider. Every call is idempotent by its id at the provider. */
export interface CaptureRequest {
  orderId: string;
  paymentId: string;
  amount: Money;
  token: string;
}

export type CaptureResult =
  | { status: 'captured'; providerRef: string }
  | { status: 'declined'; reason: string }
  /** The provider confirms (or declines) later by a signed webhook. */
  | { status: 'pending'; providerRef: string };

export interface RefundRequest {
  /** Also the provider's idempotency key: a repeated call never refunds twice. */
  refundId: string;
  orderId: string;
  amount: Money;
}

export type RefundResult = { status: 'succeeded'; providerRef: string } | { status: 'failed'; error: string };

export interface PaymentProvider {
  readonly name: string;
  /**
   * Idempotent by paymentId: asking again for a payment the provider already answered returns that
   * original outcome (never a second charge). Escrow's reconcile step (E4) relies on it.
   */
  capture(request: CaptureRequest): Promise<CaptureResult>;
  /** May throw (network): the dispatcher counts that as a failed attempt. */
  refund(request: RefundRequest): Promise<RefundResult>;
}
