import type { EventDefinition, EventEnvelope, EventRegistry } from '@bp/contracts';
import type { TraceCarrier } from '@bp/tracing';
import type { MessageHeaders, OutgoingMessage, WireMessage } from './port';

/**
 * CloudEvents 1.0, Kafka protocol binding, binary mode (API.md "Kafka topics"): the value is the
 * event's JSON data; the attributes travel as `ce_*` headers. Partners read these with any client,
 * so the header names here are the public contract.
 */
export const CeHeaders = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  /** Extension: the schema version of the data, for upcasting on the consumer side. */
  schemaversion: 'ce_schemaversion',
  contentType: 'content-type',
  correlationId: 'correlation_id',
  causationId: 'causation_id',
  /**
   * CloudEvents distributed-tracing extension: the W3C trace context of the message's publishing,
   * present when the publisher traces. Optional for partners: they may continue the trace or not.
   */
  traceparent: 'ce_traceparent',
  tracestate: 'ce_tracestate',
} as const;

export const CE_SPECVERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

/** `ce_source` of everything a service publishes. */
export const serviceSource = (service: string): string => `/services/${service}`;

/** A consumed event: CloudEvents attributes, Kafka coordinates and data already upcast and validated. */
export interface IncomingEvent<T = unknown> {
  id: string;
  ceType: string;
  /** Domain event type from the registry, e.g. `OrderCompleted`. */
  type: string;
  data: T;
  subject: string;
  time: string;
  source: string;
  correlationId: string | null;
  causationId: string | null;
  /** From `ce_traceparent` / `ce_tracestate`, when the publisher traced. */
  trace?: TraceCarrier;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Kafka topic, key and message of a public event. The envelope's data must be at `def.version`.
 * `trace`: the publish span's context, sent as the distributed-tracing extension.
 */
export const toKafkaMessage = (
  event: EventEnvelope,
  def: EventDefinition,
  service: string,
  trace?: TraceCarrier,
): { topic: string; message: OutgoingMessage } => {
  if (!def.topic || !def.ceType || !def.key) throw new Error(`${def.type} is not a public event (no topic, ceType or key)`);
  const key = def.key(event.data);
  const headers: MessageHeaders = {
    [CeHeaders.specversion]: CE_SPECVERSION,
    [CeHeaders.id]: event.id,
    [CeHeaders.type]: def.ceType,
    [CeHeaders.source]: serviceSource(service),
    [CeHeaders.time]: event.occurredAt,
    [CeHeaders.subject]: key,
    [CeHeaders.schemaversion]: String(def.version),
    [CeHeaders.contentType]: JSON_CONTENT_TYPE,
    [CeHeaders.correlationId]: event.correlationId,
  };
  // Absent, not empty: CloudEvents has no null, and "" would read back as a causation id.
  if (event.causationId !== null) headers[CeHeaders.causationId] = event.causationId;
  if (trace) {
    headers[CeHeaders.traceparent] = trace.traceparent;
    if (trace.tracestate) headers[CeHeaders.tracestate] = trace.tracestate;
  }
  return { topic: def.topic, message: { key, value: JSON.stringify(event.data), headers } };
};

/** A message that can never be processed (bad headers, body or data): it goes to the dead letters. */
export class InvalidMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidMessageError';
  }
}

export type ParsedMessage =
  | { kind: 'event'; event: IncomingEvent }
  /** A ce_type this registry does not know: somebody else's event on a shared topic. */
  | { kind: 'unknown'; ceType: string };

const headerText = (headers: MessageHeaders | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString('utf8');
};

/** The distributed-tracing extension of a message, read without parsing the rest (dead letters have it too). */
export const traceCarrierOfHeaders = (headers: MessageHeaders | undefined): TraceCarrier | undefined => {
  const traceparent = headerText(headers, CeHeaders.traceparent);
  if (!traceparent) return undefined;
  const tracestate = headerText(headers, CeHeaders.tracestate);
  return tracestate ? { traceparent, tracestate } : { traceparent };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads a CloudEvents binary-mode message. Unknown ce_type → `unknown` (skip it); anything else
 * malformed throws InvalidMessageError, because retrying cannot fix it.
 */
export const parseKafkaMessage = (
  registry: EventRegistry,
  topic: string,
  partition: number,
  message: Pick<WireMessage, 'key' | 'value' | 'headers' | 'offset'>,
): ParsedMessage => {
  const h = (name: string) => headerText(message.headers, name);
  const ceType = h(CeHeaders.type);
  if (!ceType) throw new InvalidMessageError(`missing ${CeHeaders.type} header`);
  const def = registry.byCloudEventType(ceType);
  if (!def) return { kind: 'unknown', ceType };

  const spec = h(CeHeaders.specversion);
  if (spec !== CE_SPECVERSION) throw new InvalidMessageError(`unsupported ${CeHeaders.specversion} ${String(spec)}`);
  const id = h(CeHeaders.id);
  // The inbox keys on a uuid; our producers only write uuids (the event id).
  if (!id || !UUID.test(id)) throw new InvalidMessageError(`${CeHeaders.id} is not a uuid: ${String(id)}`);
  const contentType = h(CeHeaders.contentType);
  if (contentType !== undefined && !contentType.toLowerCase().startsWith(JSON_CONTENT_TYPE)) {
    throw new InvalidMessageError(`unsupported content-type ${contentType}`);
  }
  const versionText = h(CeHeaders.schemaversion);
  const version = Number(versionText);
  if (!Number.isInteger(version) || version < 1) throw new InvalidMessageError(`invalid ${CeHeaders.schemaversion} ${String(versionText)}`);
  if (message.value === null || message.value.length === 0) throw new InvalidMessageError('empty body');

  let raw: unknown;
  try {
    raw = JSON.parse(message.value.toString('utf8'));
  } catch (e) {
    throw new InvalidMessageError(`body is not JSON: ${(e as Error).message}`, { cause: e });
  }
  let data: unknown;
  try {
    data = registry.decode(def.type, version, raw);
  } catch (e) {
    throw new InvalidMessageError(`invalid ${def.type} v${version}: ${(e as Error).message}`, { cause: e });
  }
  const trace = traceCarrierOfHeaders(message.headers);
  return {
    kind: 'event',
    event: {
      id,
      ceType,
      type: def.type,
      data,
      subject: h(CeHeaders.subject) ?? message.key?.toString('utf8') ?? '',
      time: h(CeHeaders.time) ?? '',
      source: h(CeHeaders.source) ?? '',
      correlationId: h(CeHeaders.correlationId) ?? null,
      causationId: h(CeHeaders.causationId) ?? null,
      ...(trace ? { trace } : {}),
      topic,
      partition,
      offset: message.offset,
    },
  };
};
