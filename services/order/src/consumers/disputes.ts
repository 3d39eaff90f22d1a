import { disputePublicEvents } from '@bp/contracts';
import type { Handlers } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { OrderApp } from '../app/order-app';
import { orderFromDisputes } from '../domain/sagas/order-from-disputes';
import { upstreamHandlers } from './upstream';

/** disputes.v1 -> the order's timeline and the commands of domain/sagas/order-from-disputes. */
export const disputeHandlers = (ctx: ServiceContext, app: OrderApp): Handlers => upstreamHandlers(ctx, app, disputePublicEvents, orderFromDisputes);
