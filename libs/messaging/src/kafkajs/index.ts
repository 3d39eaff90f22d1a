// The only folder that imports kafkajs (libs/messaging/test/port-boundary.unit.test.ts checks it).
export * from './client';
export * from './kafka-env';
