/** The partner contract, as the AsyncAPI `info.description` (Markdown; docs/partners.md says more). */
export const PARTNER_CONTRACT = [
  'Public events of the buyer-protection system, generated from `libs/contracts`.',
  '',
  '- **Format**: CloudEvents 1.0, Kafka protocol binding, binary mode. The value is the event data as JSON;',
  '  the attributes travel as headers (`ce_specversion`, `ce_id`, `ce_type`, `ce_source`, `ce_time`, `ce_subject`,',
  '  `correlation_id`, `causation_id`). `ce_type` tells which schema the value follows. When the publisher traces,',
  '  `ce_traceparent` (and `ce_tracestate`) carry the W3C trace context (CloudEvents distributed-tracing extension).',
  '- **Delivery**: at least once. A message can arrive more than once (also after a producer restart):',
  '  dedupe by `ce_id`.',
  '- **Ordering**: per key only. The key is the order id (the buyer id on `buyers.v1`); all events of one',
  '  order are on one partition, in order. Nothing is ordered across keys or topics.',
  "- **Partitioning**: murmur2 (the Java client default, and kafkajs's default partitioner). librdkafka",
  '  clients (kcat, confluent-kafka) that produce test data must set `partitioner=murmur2_random` to',
  '  land on the same partitions.',
  '- **Versioning**: `ce_type` ends in the major version (`.v1`). Fields may be added to a type, never',
  '  removed or renamed; a breaking change is a new type (`.v2`). Ignore unknown fields and unknown types.',
].join('\n');
