import type { EventDefinition } from '../registry';
import { publicEvents } from '../events/public';
import { PARTNER_CONTRACT } from './contract';
import { cloudEventHeaders } from './headers';
import { keyField } from './key';
import { multiFormatSchema } from './schema-format';

export interface AsyncApiServer {
  host: string;
  protocol: 'kafka';
}

export interface AsyncApiOptions {
  /** `info.version` of the document. */
  version?: string;
  /** Brokers partners connect to, by name (e.g. `production: { host: 'kafka.example.com:9092', protocol: 'kafka' }`). */
  servers?: Record<string, AsyncApiServer>;
}

const KAFKA_BINDING_VERSION = '0.5.0';
const DEFAULT_VERSION = '1.0.0';

/** Channel ids may not hold dots: `orders.v1` → `orders_v1`. */
const channelId = (topic: string): string => topic.replace(/[^A-Za-z0-9_-]/g, '_');

interface Topic {
  topic: string;
  events: EventDefinition[];
}

/** Public events grouped by topic, topics in the order their first event is declared. */
const byTopic = (defs: readonly EventDefinition[]): Topic[] => {
  const topics = new Map<string, EventDefinition[]>();
  for (const def of defs) {
    if (!def.topic) continue;
    const events = topics.get(def.topic) ?? [];
    events.push(def);
    topics.set(def.topic, events);
  }
  return [...topics].map(([topic, events]) => ({ topic, events }));
};

/** The data field the key comes from, when it is a field of the payload. */
const keyOf = (def: EventDefinition, payload: Record<string, unknown>): string | undefined => {
  const field = keyField(def);
  const properties = (payload.properties ?? {}) as Record<string, unknown>;
  return field !== undefined && field in properties ? field : undefined;
};

const message = (def: EventDefinition) => {
  const payload = multiFormatSchema(def.schema);
  const field = keyOf(def, payload.schema);
  return {
    name: def.type,
    title: def.type,
    summary: def.description ?? def.ceType ?? def.type,
    contentType: 'application/json',
    headers: multiFormatSchema(cloudEventHeaders(def.ceType ?? def.type, field)),
    payload,
    bindings: {
      kafka: {
        key: {
          type: 'string',
          description: field ? `The data's \`${field}\` (also in \`ce_subject\`).` : 'The CloudEvents subject (`ce_subject`).',
          ...(field ? { 'x-data-field': field } : {}),
        },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
};

/** The data fields the topic is keyed by, e.g. `orderId`, for its description. */
const topicKeys = (events: EventDefinition[]): string[] => [...new Set(events.map((def) => keyOf(def, multiFormatSchema(def.schema).schema) ?? 'ce_subject'))];

/**
 * AsyncAPI 3.0.0 document of every public event (`publicEvents`): one channel per topic, one
 * `receive` operation per channel (partners consume), one message per event type.
 */
export const buildAsyncApi = (opts: AsyncApiOptions = {}): object => {
  const topics = byTopic(publicEvents);
  const messages = Object.fromEntries(publicEvents.filter((def) => def.topic).map((def) => [def.type, message(def)]));
  const channels = Object.fromEntries(
    topics.map(({ topic, events }) => [
      channelId(topic),
      {
        address: topic,
        title: topic,
        description: `Kafka topic \`${topic}\`, keyed by ${topicKeys(events)
          .map((k) => `\`${k}\``)
          .join(', ')}; ordered per key.`,
        ...(opts.servers ? { servers: Object.keys(opts.servers).map((name) => ({ $ref: `#/servers/${name}` })) } : {}),
        messages: Object.fromEntries(events.map((def) => [def.type, { $ref: `#/components/messages/${def.type}` }])),
        bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
      },
    ]),
  );
  const operations = Object.fromEntries(
    topics.map(({ topic, events }) => [
      `receive_${channelId(topic)}`,
      {
        action: 'receive',
        title: `Consume ${topic}`,
        summary: `Partners consume ${topic} with their own consumer group.`,
        channel: { $ref: `#/channels/${channelId(topic)}` },
        messages: events.map((def) => ({ $ref: `#/channels/${channelId(topic)}/messages/${def.type}` })),
      },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: { title: 'Buyer protection public events', version: opts.version ?? DEFAULT_VERSION, description: PARTNER_CONTRACT },
    ...(opts.servers ? { servers: opts.servers } : {}),
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
};
