import { escrowPublicEvents } from '@bp/contracts';
import type { Handlers } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { OrderApp } from '../app/order-app';
import { orderFromEscrow } from '../domain/sagas/order-from-escrow';
import { upstreamHandlers } from './upstream';

/** escrow.v1 -> the order's timeline and the commands of domain/sagas/order-from-escrow. */
export const escrowHandlers = (ctx: ServiceContext, app: OrderApp): Handlers => upstreamHandlers(ctx, app, escrowPublicEvents, orderFromEscrow);
