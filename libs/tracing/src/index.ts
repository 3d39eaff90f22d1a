export * from './carrier';
export * from './log-exporter';
export * from './log-fields';
export * from './recorder';
export * from './setup';
