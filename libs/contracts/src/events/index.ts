export * from './orders';
export * from './buyers';
export * from './escrow';
export * from './disputes';
export * from './protection-end';
export * from './notifications';
export * from './public';
