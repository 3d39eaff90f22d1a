// The system package: `npm start` (start.ts) and `npm run ops` (ops/cli.ts), and these pieces for
// tests that boot or inspect a whole deployment.
export { findModule, serviceModule, availableModules, isServiceName } from './modules';
export * from './ops/context';
export { timeline, type TimelineEntry } from './ops/timeline';
export { timers, type TimerRow } from './ops/timers';
export { replay, type ProjectionReplay } from './ops/replay';
export { republish, parseBound } from './ops/republish';
export { resetOffsets, parseResetTarget } from './ops/reset-offsets';
export { verify, type VerifyReport } from './ops/verify';
export { runOps } from './ops/cli';
