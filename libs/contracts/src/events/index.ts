export * from './orders';
export * from './buyers';
export * from './escrow';
export * from './disputes';
export * from './notifications';
export * from './public';
