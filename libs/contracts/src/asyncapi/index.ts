export { buildAsyncApi } from './document';
export type { AsyncApiOptions, AsyncApiServer } from './document';
export { cloudEventHeaders } from './headers';
export { ASYNCAPI_SCHEMA_FORMAT } from './schema-format';
