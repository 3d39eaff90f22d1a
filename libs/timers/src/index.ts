export * from './duration';
export * from './policy';
export * from './clock';
export * from './deadlines';
