import type { DisputeReason } from '@bp/contracts';
import { refuse } from './errors';

/** D13: reasons that presume the goods arrived; NOT_RECEIVED presumes they did not; OTHER fits both. */
const NEEDS_GOODS: ReadonlySet<DisputeReason> = new Set([
  'NOT_AS_DESCRIBED',
  'DAMAGED_OR_DEFECTIVE',
  'WRONG_ITEM',
  'COUNTERFEIT',
  'MISSING_PARTS',
  'EMPTY_PACKAGE',
]);

/** D13 (D2 form consistency): a mismatch between the reason and "goods received" is refused. */
export const checkReason = (reason: DisputeReason, goodsReceived: boolean): void => {
  if (NEEDS_GOODS.has(reason) && !goodsReceived)
    refuse('REASON_CONTRADICTS_GOODS_RECEIVED', `D13: ${reason} needs goods received = yes`, { reason, goodsReceived });
  if (reason === 'NOT_RECEIVED' && goodsReceived)
    refuse('REASON_CONTRADICTS_GOODS_RECEIVED', 'D13: NOT_RECEIVED needs goods received = no', { reason, goodsReceived });
};
