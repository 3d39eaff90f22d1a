import { z } from 'zod';

/**
 * The Kafka headers of a public event: CloudEvents 1.0, Kafka protocol binding, binary mode
 * (API.md "Kafka topics"). Required are the attributes every message carries; the relay
 * (libs/messaging cloudevents.ts `toKafkaMessage`) also sets `ce_schemaversion` and `content-type`.
 */
export const cloudEventHeaders = (ceType: string, keyField?: string) =>
  z.object({
    ce_specversion: z.literal('1.0').describe('CloudEvents spec version.'),
    ce_id: z.string().min(1).describe('Unique event id. Delivery is at least once: dedupe by this id.'),
    ce_type: z.literal(ceType).describe('CloudEvents type; names the data schema and its major version.'),
    ce_source: z.string().min(1).describe('The publishing service, e.g. /services/order.'),
    ce_time: z.iso.datetime().describe('When the event happened, ISO 8601 UTC.'),
    ce_subject: z.string().describe(keyField ? `Equals the message key: the data's \`${keyField}\`.` : 'Equals the message key.'),
    correlation_id: z.string().min(1).describe('Id of the request or flow the event belongs to.'),
    causation_id: z.string().min(1).optional().describe('Id of the event or command that caused this one; absent at the start of a flow.'),
    ce_schemaversion: z.string().regex(/^\d+$/).optional().describe('Internal schema version of the data (informational; the contract is ce_type).'),
    'content-type': z.literal('application/json').optional().describe('Content type of the value.'),
    ce_traceparent: z
      .string()
      .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
      .optional()
      .describe(
        'CloudEvents distributed-tracing extension: the W3C traceparent of the publishing (present when the publisher traces). A consumer may continue the trace; ignoring it is fine.',
      ),
    ce_tracestate: z
      .string()
      .optional()
      .describe('CloudEvents distributed-tracing extension: the W3C tracestate that goes with ce_traceparent, when there is one.'),
  });
