import { EventRegistry } from '@bp/contracts';
import { START, type StoredEvent } from '@bp/eventstore';
import { kafkaFromEnv, toKafkaMessage } from '@bp/messaging';
import type { ServiceModule } from '@bp/runtime';
import type { OpsContext } from './context';
import { serviceContextFor } from './service-context';

/** `--from`/`--to`: a global log position (digits) or an ISO time (occurred_at), both inclusive. */
export type Bound = { position: bigint } | { time: number };

export const parseBound = (s: string): Bound => {
  if (/^\d+$/.test(s)) return { position: BigInt(s) };
  const time = Date.parse(s);
  if (Number.isNaN(time)) throw new Error(`${s} is neither a log position nor an ISO time`);
  return { time };
};

const within = (e: StoredEvent, from: Bound, to: Bound | undefined): boolean => {
  const at = (b: Bound, side: 1 | -1) =>
    'position' in b ? side * Number(BigInt(e.position.position) - b.position) >= 0 : side * (Date.parse(e.occurredAt) - b.time) >= 0;
  return at(from, 1) && (!to || at(to, -1));
};

/**
 * `republish <service> --from … [--to …]`: sends a range of the service's PUBLIC events to Kafka
 * again, exactly as the relay did (same topic, key and CloudEvents headers, ce_id = the event id),
 * in log order. Consumers dedupe by ce_id (their inbox), so this repairs a partner or a topic
 * that lost messages without double effects. The relay's checkpoint is left alone.
 */
export const republish = async (
  ctx: OpsContext,
  module: ServiceModule,
  from: Bound,
  to?: Bound,
): Promise<{ sent: number; byTopic: Record<string, number> }> => {
  const { store } = serviceContextFor(ctx, module);
  const registry = new EventRegistry([...module.publishes]);
  const types = module.publishes.map((d) => d.type);
  const kafka = kafkaFromEnv({ clientId: 'ops-republish', logger: ctx.logger, env: ctx.env });
  const producer = kafka.producer({ maxInFlightRequests: 1 });
  await producer.connect();
  const byTopic: Record<string, number> = {};
  let sent = 0;
  try {
    let after = START;
    for (;;) {
      const page = await store.readAll({ after, limit: 1000, types });
      const batch = page.events.filter((e) => within(e, from, to)).map((e) => toKafkaMessage(e, registry.get(e.type), module.name));
      const perTopic = new Map<string, typeof batch>();
      for (const m of batch) perTopic.set(m.topic, [...(perTopic.get(m.topic) ?? []), m]);
      if (batch.length)
        await producer.sendBatch({ acks: -1, topicMessages: [...perTopic].map(([topic, ms]) => ({ topic, messages: ms.map((m) => m.message) })) });
      for (const [topic, ms] of perTopic) byTopic[topic] = (byTopic[topic] ?? 0) + ms.length;
      sent += batch.length;
      if (page.events.length < 1000) break;
      after = page.position;
    }
  } finally {
    await producer.disconnect();
  }
  return { sent, byTopic };
};
