export { orderService } from './service';
export * from './domain/order';
export * from './domain/buyer-level';
