export * from './config';
export * from './shared-clock';
export * from './settle';
export * from './module';
export * from './service';
export * from './consumer-lag';
export * from './auth-from-config';
export * from './main';
