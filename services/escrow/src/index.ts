export { escrowService, createEscrowService, type EscrowServiceOptions } from './service';
export * from './providers';
export * from './domain';
