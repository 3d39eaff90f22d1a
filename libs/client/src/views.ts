import type { operations as DisputeOperations } from './generated/dispute';
import type { operations as EscrowOperations } from './generated/escrow';
import type { operations as NotificationOperations } from './generated/notification';
import type { operations as OrderOperations } from './generated/order';

/** The JSON body an operation answers with `status`. */
export type JsonBody<Operation, Status extends number> = Operation extends { responses: { [S in Status]: { content: { 'application/json': infer Body } } } }
  ? Body
  : never;

/** The views a storefront shows most, named once (each is the 200 body of its GET). */
export type OrderView = JsonBody<OrderOperations['getOrder'], 200>;
export type EscrowView = JsonBody<EscrowOperations['getEscrow'], 200>;
export type DisputeView = JsonBody<DisputeOperations['getDispute'], 200>;
export type Inbox = JsonBody<NotificationOperations['listInbox'], 200>;
