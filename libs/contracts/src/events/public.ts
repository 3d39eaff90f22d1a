import { EventRegistry } from '../registry';
import { buyerPublicEvents } from './buyers';
import { disputePublicEvents } from './disputes';
import { escrowPublicEvents } from './escrow';
import { notificationPublicEvents } from './notifications';
import { orderPublicEvents } from './orders';

/** Every event published on a topic: what partners may consume, and the AsyncAPI document. */
export const publicEvents = [...orderPublicEvents, ...buyerPublicEvents, ...escrowPublicEvents, ...disputePublicEvents, ...notificationPublicEvents];

export const publicRegistry = (): EventRegistry => new EventRegistry(publicEvents);
