import type { BatchContext, KafkaClient, MessageConsumer, RunOptions, WireMessage, toKafkaMessage } from '@bp/messaging';

/** A message as the consumer receives it, at `offset`. */
export const received = (m: ReturnType<typeof toKafkaMessage>['message'], offset = '0'): WireMessage => ({
  key: Buffer.from(String(m.key)),
  value: Buffer.from(String(m.value)),
  headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])),
  timestamp: '0',
  offset,
});

/**
 * A one-member group whose batches the test hands in (no broker): what the runner resolves, and
 * what it sends (dead letters), are recorded.
 */
export const fakeKafka = (topic: string) => {
  let run: RunOptions | undefined;
  const resolved: string[] = [];
  const sent: { topic: string; messages: unknown[] }[] = [];
  const kafka: KafkaClient = {
    producer: () => ({
      connect: async () => {},
      disconnect: async () => {},
      send: async (r: { topic: string; messages: unknown[] }) => void sent.push(r),
      sendBatch: async () => {},
    }),
    admin: () => {
      throw new Error('no admin in this test');
    },
    consumer: (): MessageConsumer => ({
      connect: async () => {},
      disconnect: async () => {},
      subscribe: async () => {},
      run: async (r) => void (run = r),
      onAlive: () => {},
      onCrash: () => {},
      onMembership: () => {},
    }),
  } as KafkaClient;
  const deliver = (messages: WireMessage[], partition = 0) => {
    const ctx: BatchContext = {
      batch: { topic, partition, messages, lastOffset: () => messages.at(-1)!.offset },
      resolveOffset: (offset) => void resolved.push(offset),
      heartbeat: async () => {},
      commitOffsetsIfNecessary: async () => {},
      isRunning: () => true,
      isStale: () => false,
    };
    return run!.eachBatch(ctx);
  };
  return { kafka, deliver, resolved, sent };
};
