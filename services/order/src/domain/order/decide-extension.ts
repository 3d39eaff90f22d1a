// O8: protection extensions. The buyer asks for N days; only the seller's approval extends
// protection. At most one pending request; at most maxApprovedExtensions approved (snapshot).
import { allow, check, existing, position } from './authorize';
import type { CommandOf } from './commands';
import { orderError } from './errors';
import { isInTransit } from './guards';
import type { ExistingOrder, Extension, OrderEvent, OrderState } from './order';
import { dueAt } from './process';
import { addMs, daysMs, iso, plusDays } from './time';

const findExtension = (s: ExistingOrder, extensionId: string): Extension | undefined =>
  isInTransit(s) || s.status === 'completed' ? s.extensions.find((x) => x.extensionId === extensionId) : undefined;

export const requestExtension = (cmd: CommandOf<'RequestExtension'>, state: OrderState): OrderEvent[] => {
  const s = existing(cmd, state);
  const t = position(cmd, s);
  if (findExtension(s, cmd.data.extensionId)) return []; // the same request again: harmless
  const { extensionDaysMin: min, extensionDaysMax: max } = s.order.policy.order;
  const { days, reason, extensionId } = cmd.data;
  if (!Number.isInteger(days) || days < min || days > max) throw orderError('EXTENSION_DAYS_OUT_OF_RANGE', `days must be ${min}–${max}`);
  check(t, s, cmd.meta);
  const requestedAt = iso(cmd.meta.now);
  const respondBy = dueAt(requestedAt, 'order.extensionResponseWindow', s.order);
  return [
    { type: 'ProtectionExtensionRequested', data: { orderId: s.order.orderId, extensionId, days, ...(reason ? { reason } : {}), requestedAt, respondBy } },
  ];
};

/** The extension to answer: unknown -> 404, already answered the same way -> null (harmless), else conflict. */
const toAnswer = (cmd: CommandOf<'ApproveExtension' | 'DeclineExtension'>, state: OrderState, same: Extension['outcome']) => {
  const s = existing(cmd, state);
  const t = position(cmd, s);
  const ext = findExtension(s, cmd.data.extensionId);
  if (!ext) throw orderError('EXTENSION_NOT_FOUND', 'no such extension request');
  if (ext.outcome === same) return null;
  if (ext.outcome !== 'pending') throw orderError('EXTENSION_NOT_PENDING', `the request was ${ext.outcome}`);
  check(t, s, cmd.meta);
  return { s, ext };
};

/** O8: protection ends `days` later (the invariant's approved-extension term). */
export const approveExtension = (cmd: CommandOf<'ApproveExtension'>, state: OrderState): OrderEvent[] => {
  const found = toAnswer(cmd, state, 'approved');
  if (!found || !isInTransit(found.s)) return [];
  const { s, ext } = found;
  const protectionEndsAt = plusDays(s.protection.endsAt, ext.days);
  const data = { orderId: s.order.orderId, extensionId: ext.extensionId, days: ext.days, approvedAt: iso(cmd.meta.now), protectionEndsAt };
  return [{ type: 'ProtectionExtended', data }];
};

/** O8: a declined request changes nothing else. */
export const declineExtension = (cmd: CommandOf<'DeclineExtension'>, state: OrderState): OrderEvent[] => {
  const found = toAnswer(cmd, state, 'declined');
  if (!found) return [];
  const { s, ext } = found;
  return [
    { type: 'ProtectionExtensionDeclined', data: { orderId: s.order.orderId, extensionId: ext.extensionId, days: ext.days, declinedAt: iso(cmd.meta.now) } },
  ];
};

/**
 * O8: a dispute demanding the extension the seller had declined ended with it (agreement, silence or
 * ruling): protection resumes with its remaining time plus `days`, as an approved extension would. A
 * record for another dispute, or after the order moved on, changes nothing.
 */
export const recordExtensionAgreed = (cmd: CommandOf<'RecordExtensionAgreed'>, state: OrderState): OrderEvent[] => {
  const s = existing(cmd, state);
  if (!isInTransit(s) || s.protection.suspension?.disputeId !== cmd.data.disputeId) return [];
  allow(cmd, state);
  const days = Math.max(0, Math.trunc(cmd.data.days));
  const resumedAt = iso(cmd.data.agreedAt ?? cmd.meta.now);
  const protectionEndsAt = addMs(resumedAt, s.protection.suspension.remainingMs + daysMs(days));
  return [
    {
      type: 'ProtectionResumed',
      data: { orderId: s.order.orderId, disputeId: cmd.data.disputeId, resumedAt, protectionEndsAt, cause: 'EXTENSION_AGREED', extendedByDays: days },
    },
  ];
};
