// The order timeline across services (pure; no I/O).
export * from './upstream';
export * from './items';
