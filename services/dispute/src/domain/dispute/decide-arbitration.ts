import type { Money } from '@bp/contracts';
import type { Rule } from './commands';
import type { DisputeState, OpenDisputeState } from './dispute';
import { refuse } from './errors';
import type { DisputeEvent, RulingData } from './events';
import { checkAmount, extensionAgreed, ids, plus, resendAgreed, returnRequested, settled, threadEntry } from './emit';
import { guard, refusalOf } from './guards';

type Verdict = { kind: 'refund' | 'return' | 'resend' | 'extension'; refund: Money; comp?: Money; proposalId?: string; days?: number };

const KIND = { REFUND_ONLY: 'refund', RETURN_AND_REFUND: 'return', RESEND: 'resend', EXTEND_PROTECTION: 'extension' } as const;

/** D8: "one of the proposals already on the table". */
const pickProposal = (s: OpenDisputeState, proposalId: string): Verdict => {
  const p = s.proposals.find((x) => x.proposalId === proposalId);
  if (!p) return refuse('PROPOSAL_NOT_FOUND', 'no such proposal on the table');
  return { kind: KIND[p.type], refund: p.refund, proposalId, ...(p.days ? { days: p.days } : {}) };
};

const verdictOf = (s: OpenDisputeState, data: Rule['data']): Verdict => {
  if ('proposalId' in data) return pickProposal(s, data.proposalId);
  const comp = data.returnShippingCompensation;
  return { kind: data.returnRequired ? 'return' : 'refund', refund: data.refund, ...(comp ? { comp } : {}) };
};

/** D8: amounts 0..paid (compensation included); a return needs goods not yet sent back. */
const checkVerdict = (s: OpenDisputeState, v: Verdict): void => {
  checkAmount(s, plus(v.refund, v.comp), false);
  if (v.comp) checkAmount(s, v.comp, false);
  if (v.kind === 'return' && !s.goodsReceived) refuse('RETURN_WITHOUT_GOODS', 'D8: nothing to return');
  if (v.kind === 'return' && s.returnShipment) refuse('RETURN_ALREADY_SHIPPED', 'D8: the goods were already sent back');
  // R6, D9: after a fast refund the ruling must settle the platform's advance with an amount. A resend
  // or an extension keeps the money held with the advance outstanding and frees the order for a second
  // dispute over money already paid out (found by the whole-system simulation, seed 18368).
  if ((v.kind === 'resend' || v.kind === 'extension') && s.fastRefunded.amount > 0) {
    refuse('OUTCOME_AFTER_FAST_REFUND', 'R6: a fast refund was paid; the ruling names the refund the buyer keeps');
  }
};

const TRANSITION = { refund: 'rule_refund', return: 'rule_return', resend: 'rule_resend', extension: 'rule_extension' } as const;

/** D8 (O8 when the agent picks the buyer's EXTEND_PROTECTION): what the ruling leads to. */
const outcomeOfVerdict = (s: OpenDisputeState, v: Verdict, total: Money, now: string): DisputeEvent => {
  switch (v.kind) {
    case 'refund':
      return settled(s, total, 'RULING', now, v.comp);
    case 'return':
      return returnRequested(s, total, 'RULING', now, v.comp);
    case 'resend':
      return resendAgreed(s, now);
    case 'extension':
      return extensionAgreed(s, v.days ?? 0, 'RULING', now);
  }
};

/** D8: the agent rules: a refund (0..paid), a return with refund, or a proposal on the table. */
export const rule = (c: Rule, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const first = refusalOf(state, 'rule_refund', actor, now);
  if (first) refuse(first.code, first.message);
  const s = state as OpenDisputeState;
  const v = verdictOf(s, c.data);
  guard(s, TRANSITION[v.kind], actor, now);
  checkVerdict(s, v);
  const total = plus(v.refund, v.comp);
  const ruling: RulingData = {
    ...ids(s),
    refund: total,
    returnRequired: v.kind === 'return',
    ...(v.comp ? { returnShippingCompensation: v.comp } : {}),
    ...(v.proposalId ? { proposalId: v.proposalId } : {}),
    ruledBy: actor.id,
    ruledAt: now,
  };
  const outcome = outcomeOfVerdict(s, v, total, now);
  return [{ type: 'DisputeRuled', data: ruling }, ...threadEntry(s, 'RULING', actor, now, c.data.note, []), outcome];
};
