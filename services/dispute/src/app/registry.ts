import { disputePublicEvents, EventRegistry } from '@bp/contracts';
import { DisputeReopenedOnOrder, disputePrivateEvents, orderFactsPrivateEvents } from '../domain';
import { EvidenceUploaded } from '../domain/evidence/events';

/** Every event type of the dispute service's log: public disputes.v1 and the private ones. */
export const disputeRegistry = (): EventRegistry =>
  new EventRegistry([...disputePublicEvents, ...disputePrivateEvents, ...orderFactsPrivateEvents, DisputeReopenedOnOrder, EvidenceUploaded]);
