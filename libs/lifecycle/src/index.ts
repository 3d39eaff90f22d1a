export * from './table';
export * from './derive';
export * from './reachability';
export * from './diagram';
export * from './effects';
