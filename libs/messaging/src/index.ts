export * from './cloudevents';
export * from './consumer';
export * from './dead-letter';
export * from './kafka-env';
export * from './logger';
export * from './relay';
export * from './retry';
export * from './socket';
