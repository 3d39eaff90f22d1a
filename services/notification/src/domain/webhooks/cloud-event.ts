import type { ConsumedEvent } from '@bp/contracts';

/** A consumed event as a partner's webhook receives it. */
export interface PublishedEvent extends ConsumedEvent {
  ceType: string;
  subject: string;
}

/** The CloudEvent as partners receive it over HTTP (structured mode: attributes and data in one JSON). */
export const cloudEventJson = (e: PublishedEvent): string =>
  JSON.stringify({
    specversion: '1.0',
    id: e.id,
    type: e.ceType,
    source: e.source,
    subject: e.subject,
    time: e.time,
    datacontenttype: 'application/json',
    data: e.data,
  });
