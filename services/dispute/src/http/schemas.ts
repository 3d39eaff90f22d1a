// The dispute service's answers as zod schemas (OpenAPI, serialization). The top level of the view
// is exact; the nested records (proposals, thread entries, escalation, ruling, settlement, resend,
// appeal) are declared as open objects for now: their fields are the domain's (views.ts) and may grow.
import { Money } from '@bp/contracts';
import { pageOf } from '@bp/http';
import { z } from 'zod';
import type { EvidenceRef } from '../domain';
import type { DisputeResource } from './views';

const Iso = z.string().describe('ISO 8601 UTC');
const Record = (what: string) => z.looseObject({}).describe(what);

export const DisputeViewBody = z.object({
  disputeId: z.string(),
  orderId: z.string(),
  status: z.string().describe('The dispute lifecycle status (open list)'),
  buyerId: z.string(),
  sellerId: z.string(),
  reason: z.string(),
  goodsReceived: z.boolean(),
  paid: Money,
  openedAt: Iso,
  proposals: z.array(Record('A proposal on the table: who, solution type, refund')),
  currentProposals: z.object({ buyer: z.string(), seller: z.string().nullable() }),
  escalation: Record('D6: when and by whom escalated, evidence and ruling due dates').nullable(),
  ruling: Record('D8: the arbitration ruling').nullable(),
  returnInfo: z.object({ pending: Record('R1: the return asked for').nullable(), shipment: Record('R1: the return shipment').nullable(), fastRefunded: Money }),
  settlement: Record('How the dispute ended: refund, release, settledBy').nullable(),
  resend: Record('D9: the replacement agreed or shipped').nullable(),
  appeal: Record('R7, R8: the appeal and its decision').nullable(),
  protectionExtension: z.object({ days: z.number().int(), agreedAt: Iso }).nullable().describe('O8: the extension the dispute ended with'),
  thread: z.array(Record('A message, proposal or evidence entry, hash-chained')),
  chainVerified: z.boolean().describe("The thread's hash chain re-verified on this read"),
  deadlines: z.array(z.object({ kind: z.string(), dueAt: Iso, actor: z.string(), onExpiry: z.string() })),
  allowedActions: z.array(z.string()).describe('What the caller may do now (open list)'),
  version: z.number().int().describe('Stream version, also the ETag'),
});
export const DisputePage = pageOf(DisputeViewBody);

export const QueuePage = pageOf(Record('An escalated dispute awaiting a ruling: disputeId, orderId, expedited, rulingDueAt, slaBreached'));
export const AppealQueuePage = pageOf(Record('An appeal awaiting a decision: disputeId, orderId, expedited, filedAt, decideBy, slaBreached'));

const EvidenceRefBody = z.object({ evidenceId: z.string(), sha256: z.string(), contentType: z.string(), size: z.number().int() });
export const EvidenceBody = EvidenceRefBody.extend({ items: z.array(EvidenceRefBody).describe('Every file of the submission') });
export const EvidenceUpload = z.object({ file: z.string().describe('The file (binary); up to the policy limit of images plus a video (D3)') });

// Compile-time: the schemas accept what the routes hand over.
const accepts =
  <S extends z.ZodType>() =>
  <_T extends z.input<S>>() =>
    undefined;
// Nested interfaces have no index signature: here every key of the resource must be declared.
export const disputeKeysDeclared: readonly (keyof z.input<typeof DisputeViewBody>)[] = [] as readonly (keyof DisputeResource)[];
accepts<typeof EvidenceBody>()<EvidenceRef & { items: EvidenceRef[] }>();
