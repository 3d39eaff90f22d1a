export * from './given-when-then';
export * from './saga';
export * from './postgres';
export * from './kafka';
export * from './service-harness';
export * from './tcp-proxy';
export * from './kafka-choice';
export * from './source-files';
