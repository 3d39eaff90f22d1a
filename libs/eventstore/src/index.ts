export * from './decider';
export * from './errors';
export * from './store';
export * from './checkpoints';
export * from './inbox';
export * from './command-handler';
export * from './projections';
export { comparePositions } from './envelope';
export { prepareEvents } from './append';
