export * from './buyer-level';
