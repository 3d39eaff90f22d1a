// The escrow service's answers as zod schemas (OpenAPI, serialization). The checks at the bottom
// keep them accepting the domain's view types; the response validation of the tests catches a field
// a view sends that is not declared here.
import { Money } from '@bp/contracts';
import { z } from 'zod';
import type { EscrowView, PaymentState, Posting, RefundView, SignedMoney, Violation } from '../domain';
import type { PaymentView } from '../app/payments';

const Iso = z.string().describe('ISO 8601 UTC');
const SignedMoneyBody = z.object({ amount: z.number().int().describe('minor units; may be negative (E5)'), currency: z.string() });

export const PaymentBody = z.object({
  paymentId: z.string(),
  orderId: z.string(),
  status: z.enum(['captured', 'failed', 'pending']).describe('pending: the provider confirms by webhook (tok_slow)'),
  amount: Money,
  reason: z.string().optional(),
});

const PostingBody = z.object({
  entryId: z.string(),
  debit: z.string(),
  credit: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  reason: z.string(),
  at: Iso,
});
const RefundBody = z.object({
  refundId: z.string(),
  amount: Money,
  reason: z.string(),
  status: z.enum(['in_flight', 'retry_scheduled', 'completed']),
  attempts: z.number().int(),
  nextAttemptAt: Iso.optional(),
});
const PaymentStateBody = z.object({
  paymentId: z.string(),
  status: z.enum(['requested', 'captured', 'failed', 'returned']),
  providerRef: z.string().optional(),
  reason: z.string().optional(),
});

export const EscrowViewBody = z.object({
  orderId: z.string(),
  status: z.enum(['awaiting_payment', 'paid', 'completed', 'cancelled', 'closed']),
  sellerId: z.string(),
  buyerId: z.string(),
  total: Money,
  captured: Money,
  held: Money,
  released: SignedMoneyBody.describe('Net seller payable of this order (after commission, clawbacks, compensation); may be negative (E5)'),
  refunded: Money,
  commission: Money,
  exposure: Money.describe('R6: fast refunds advanced by the platform and not yet recovered'),
  writtenOff: Money,
  entries: z.array(PostingBody).describe('The postings of the order (E1)'),
  refunds: z.array(RefundBody),
  payments: z.array(PaymentStateBody),
  deadlines: z.array(z.object({ kind: z.string(), dueAt: Iso, actor: z.string(), onExpiry: z.string() })),
  allowedActions: z.array(z.string()),
  version: z.number().int(),
});

export const BalanceBody = z.object({
  sellerId: z.string(),
  balances: z.array(SignedMoneyBody).describe('Payable balance per currency (may be negative, E5)'),
});

export const LedgerReportBody = z.object({
  ordersChecked: z.number().int(),
  violations: z.array(z.object({ orderId: z.string(), rule: z.enum(['E1', 'E2', 'E3', 'R6']), code: z.string(), detail: z.string() })),
});

export const WebhookAckBody = z.object({ received: z.literal(true), duplicate: z.boolean() });

// Compile-time: each schema accepts what the domain hands the route.
const accepts =
  <S extends z.ZodType>() =>
  <_T extends z.input<S>>() =>
    undefined;
accepts<typeof PaymentBody>()<PaymentView>();
accepts<typeof EscrowViewBody>()<EscrowView & { version: number }>();
accepts<typeof PostingBody>()<Posting>();
accepts<typeof RefundBody>()<RefundView>();
accepts<typeof PaymentStateBody>()<PaymentState>();
accepts<typeof SignedMoneyBody>()<SignedMoney>();
accepts<typeof LedgerReportBody>()<{ ordersChecked: number; violations: Violation[] }>();
