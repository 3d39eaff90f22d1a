// @bp/client: typed HTTP clients of the four services, generated from the published OpenAPI files
// (libs/contracts/published/openapi) by `npm run contracts:publish`; openapi-fetch sends the requests.
export * from './clients';
export * from './views';
export type * as order from './generated/order';
export type * as escrow from './generated/escrow';
export type * as dispute from './generated/dispute';
export type * as notification from './generated/notification';
