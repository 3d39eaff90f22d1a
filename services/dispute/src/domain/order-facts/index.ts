export * from './order-facts';
export * from './known-order';
export * from './decide';
export * from './errors';
export * from './buyer-level';
export * from './facts';
export * from './protection-end';
