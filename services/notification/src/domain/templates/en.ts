import type { FullCatalog } from './catalog';

export const en: FullCatalog = {
  order_placed: {
    subject: 'Order {orderId}: complete your payment',
    body: 'Your order {orderId} for {total} is waiting for payment. Pay by {deadline}, or the order closes by itself.',
  },
  order_paid: {
    subject: 'Order {orderId} is paid: please ship it',
    body: 'The buyer paid {amount} for order {orderId}; the money is held in escrow. Ship by {deadline}, or the order closes with a full refund.',
  },
  order_shipped: {
    subject: 'Order {orderId} is on its way',
    body: 'Order {orderId} was shipped with {carrier}, tracking number {trackingNumber}. Your buyer protection lasts until {protectionEndsAt}.',
  },
  order_delivered: {
    subject: 'Order {orderId} was delivered',
    body: 'Order {orderId} was reported delivered. Check the goods, then confirm receipt, or open a dispute while you are protected.',
  },
  order_completed: { subject: 'Order {orderId} is complete', body: 'Order {orderId} is complete; {amount} goes to the seller.' },
  order_cancelled: { subject: 'Order {orderId} was cancelled', body: 'Order {orderId} was cancelled. Any payment is refunded in full.' },
  order_closed: { subject: 'Order {orderId} was closed', body: 'Order {orderId} was closed ({reason}). Any payment held for it is refunded.' },
  extension_requested: {
    subject: 'Order {orderId}: the buyer asks for {days} more days of protection',
    body: 'The buyer asks to extend the protection of order {orderId} by {days} days. Approve or decline by {deadline}.',
  },
  extension_approved: {
    subject: 'Protection extended on order {orderId}',
    body: 'The seller approved {days} more days. Your protection on order {orderId} now lasts until {protectionEndsAt}.',
  },
  extension_declined: {
    subject: 'Extension declined on order {orderId}',
    body: 'The seller declined your request to extend protection on order {orderId}. If something is wrong, you can still open a dispute while you are protected.',
  },
  extension_lapsed: {
    subject: 'No answer to your extension request on order {orderId}',
    body: 'The seller did not answer your request to extend protection on order {orderId} in time, so protection is unchanged. If something is wrong, you can still open a dispute while you are protected.',
  },
  payment_failed: {
    subject: 'Payment for order {orderId} failed',
    body: 'Your payment for order {orderId} did not go through. Try another payment method by {deadline}, or the order closes by itself.',
  },
  payment_returned: {
    subject: 'Payment returned for order {orderId}',
    body: 'Your payment of {amount} for order {orderId} could not be accepted and is being returned to your payment method.',
  },
  funds_released: { subject: 'Money released for order {orderId}', body: '{amount} for order {orderId} was released to your balance.' },
  refund_completed: { subject: 'Refund sent for order {orderId}', body: 'We refunded {amount} for order {orderId} to your payment method.' },
  seller_debited: {
    subject: 'Balance adjusted for order {orderId}',
    body: '{amount} was taken back from your balance for order {orderId} after a dispute decision.',
  },
  dispute_opened: {
    subject: 'A dispute was opened on order {orderId}',
    body: "The buyer opened a dispute on order {orderId}. Accept the buyer's proposal or make a counter-proposal by {deadline}; without an answer the buyer's proposal is accepted.",
  },
  dispute_counter_proposed: {
    subject: 'The seller answered your dispute on order {orderId}',
    body: 'The seller made a counter-proposal on order {orderId}. Accept it, change your proposal or escalate by {deadline}; otherwise the dispute goes to arbitration.',
  },
  dispute_proposal_edited: {
    subject: 'The buyer changed the proposal on order {orderId}',
    body: 'The buyer changed the dispute proposal on order {orderId}. Answer by {deadline}, or the proposal is accepted.',
  },
  dispute_escalated: {
    subject: 'The dispute on order {orderId} is in arbitration',
    body: 'The dispute on order {orderId} went to arbitration. Add your evidence by {deadline}.',
  },
  dispute_withdrawn: { subject: 'Dispute withdrawn on order {orderId}', body: 'The buyer withdrew the dispute on order {orderId}.' },
  dispute_settled: { subject: 'The dispute on order {orderId} is settled', body: 'The dispute on order {orderId} is settled with a refund of {refund}.' },
  return_requested: {
    subject: 'Return the goods of order {orderId}',
    body: "Ship the goods of order {orderId} back and enter the tracking number by {deadline}, or the dispute closes in the seller's favour.",
  },
  return_shipped: {
    subject: 'The return for order {orderId} is on its way',
    body: 'The buyer shipped the return for order {orderId} (tracking number {trackingNumber}). Confirm receipt or report a problem by {deadline}; without an answer the buyer is refunded automatically.',
  },
  fast_refund_granted: {
    subject: 'Fast refund for order {orderId}',
    body: 'As a valued buyer you get {amount} back now, before the seller receives the return of order {orderId}.',
  },
  resend_agreed: {
    subject: 'A replacement will be shipped for order {orderId}',
    body: 'The dispute on order {orderId} is resolved with a replacement. The seller ships it and enters the tracking number by {deadline}; otherwise the dispute goes to arbitration.',
  },
  resend_shipped: {
    subject: 'A replacement for order {orderId} is on its way',
    body: 'The seller shipped a replacement with {carrier}, tracking number {trackingNumber}. Your protection on order {orderId} was extended.',
  },
  appeal_filed: { subject: 'Appeal filed on order {orderId}', body: 'An appeal was filed against the ruling on order {orderId}.' },
  appeal_decided: { subject: 'Appeal decided on order {orderId}', body: 'The appeal on order {orderId} was decided: {decision}.' },
  sla_breached: { subject: 'Ruling overdue on order {orderId}', body: 'The ruling on the dispute for order {orderId} was due {deadline} and is overdue.' },
  buyer_level_changed: { subject: 'Your buyer level is now {level}', body: 'Thank you for shopping with us: your buyer club level is now {level}.' },
  reminder_protection_ending: {
    subject: 'Protection on order {orderId} ends soon',
    body: 'Your buyer protection on order {orderId} ends {deadline}. Confirm receipt, or open a dispute before then if something is wrong.',
  },
  reminder_dispute_answer: {
    subject: 'Reminder: answer the dispute on order {orderId}',
    body: "Answer the dispute on order {orderId} by {deadline}, or the buyer's proposal is accepted.",
  },
  reminder_ship: { subject: 'Reminder: ship order {orderId}', body: 'Ship order {orderId} by {deadline}, or it closes with a full refund to the buyer.' },
  reminder_return_ship: {
    subject: 'Reminder: ship your return for order {orderId}',
    body: "Ship the return for order {orderId} by {deadline}, or the dispute closes in the seller's favour.",
  },
  reminder_resend_ship: {
    subject: 'Reminder: ship the replacement for order {orderId}',
    body: 'Ship the replacement for order {orderId} and enter the tracking number by {deadline}, or the dispute goes to arbitration.',
  },
  reminder_sla_at_risk: { subject: 'Ruling due soon on order {orderId}', body: 'The ruling on the dispute for order {orderId} is due {deadline}.' },
};
