export * from './dispute';
export * from './order-facts';
export * from './thread/thread';
export * from './evidence/limits';
export * from './evidence/structure';
