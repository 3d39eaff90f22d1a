// The order aggregate's public surface (pure; no I/O).
export * from './order';
export { evolve } from './evolve';
export * from './commands';
export * from './errors';
export * from './process';
export * from './deadlines';
export * from './views';
export { decide, orderDecider } from './decide';
export { orderPrivateEvents, ShippingAddress, ShippingAddressRecorded, PaymentAmountMismatched, RefundRecorded, ReviewWindowClosed } from './private-events';
