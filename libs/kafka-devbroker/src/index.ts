export { start, type RunningBroker } from './server';
export type { BrokerOptions } from './config';
export { silentLogger, consoleLogger, type Logger } from './logger';
export { ErrorCode } from './protocol/error-codes';
export { crc32c } from './protocol/crc32c';
