import createClient, { type Client } from 'openapi-fetch';
import type { paths as DisputePaths } from './generated/dispute';
import type { paths as EscrowPaths } from './generated/escrow';
import type { paths as NotificationPaths } from './generated/notification';
import type { paths as OrderPaths } from './generated/order';

export type { DisputePaths, EscrowPaths, NotificationPaths, OrderPaths };
export type OrderClient = Client<OrderPaths>;
export type EscrowClient = Client<EscrowPaths>;
export type DisputeClient = Client<DisputePaths>;
export type NotificationClient = Client<NotificationPaths>;

/** One typed client per service, each over that service's published OpenAPI document. */
export interface ServiceClients {
  order: OrderClient;
  escrow: EscrowClient;
  dispute: DisputeClient;
  notification: NotificationClient;
}

export type ServiceName = keyof ServiceClients;
export const SERVICE_NAMES: readonly ServiceName[] = ['order', 'escrow', 'dispute', 'notification'];

/** How a request reaches a service: `fetch` unless told otherwise (a retrying or failing-over transport). */
export type Transport = (request: Request, service: ServiceName) => Promise<Response>;

export interface ClientOptions<S extends ServiceName = ServiceName> {
  /** Base URL of each service the caller talks to, e.g. `{ order: 'https://order.example.com' }`. */
  urls: Record<S, string>;
  /**
   * The caller's JWT, sent as `Authorization: Bearer …` (the documents' bearerAuth scheme), or a
   * function asked for it on every request (a storefront's session refreshes it).
   */
  token?: string | (() => string | Promise<string>);
  transport?: Transport;
}

/** One service's typed client. Operations' declared headers (Idempotency-Key, If-Match…) are its typed `params.header`. */
export const serviceClient = <S extends ServiceName>(service: S, o: Omit<ClientOptions, 'urls'> & { url: string }): ServiceClients[S] => {
  const transport = o.transport;
  const client = createClient({ baseUrl: o.url, ...(transport ? { fetch: (request: Request) => transport(request, service) } : {}) });
  const { token } = o;
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${typeof token === 'function' ? await token() : token}`);
        return request;
      },
    });
  }
  return client as ServiceClients[S];
};

/** The typed clients of the services named in `urls`, all as one caller. */
export const createServiceClients = <S extends ServiceName>(o: ClientOptions<S>): Pick<ServiceClients, S> =>
  Object.fromEntries((Object.keys(o.urls) as S[]).map((s) => [s, serviceClient(s, { ...o, url: o.urls[s] })])) as Pick<ServiceClients, S>;
