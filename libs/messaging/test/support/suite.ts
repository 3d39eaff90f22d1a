import { DltHeaders, PermanentError, on, toKafkaMessage } from '@bp/messaging';
import { deadLetterTopic } from '@bp/contracts';
import { type Message, Partitioners } from 'kafkajs';
import type { Pool } from 'pg';
import type { TestBroker } from './brokers';
import { envelope, until } from './fixtures';
import { type Scenario, scenario } from './harness';

/**
 * The messaging guarantees, as one suite run against each broker (one test file per broker, so
 * jest runs them in parallel): the project's test Kafka and librdkafka's mock cluster.
 */
export const relayConsumerSuite = (brokerName: string, startBroker: () => Promise<TestBroker>) =>
  describe(`relay → Kafka → consumer runner on ${brokerName}`, () => {
    let broker: TestBroker;
    let s: Scenario;

    beforeAll(async () => {
      broker = await startBroker();
    });
    afterAll(async () => {
      await broker?.stop();
    });
    beforeEach(async () => {
      s = await scenario(broker.brokers, { createsTopics: broker.createsTopics });
    });
    afterEach(async () => {
      await s?.close();
    });

    it('never skips an event that commits late: two interleaved transactions, published in commit-safe order, consumed once each', async () => {
      const relay = s.relay();
      // tx A appends and stays open; tx B appends after it and commits.
      const a = await s.producerDb.pool.connect();
      try {
        await a.query('BEGIN');
        await s.append('stream-A', { orderId: 'o-1', seq: 1 }, a);
        await s.append('stream-B', { orderId: 'o-1', seq: 2 });
        await s.store.appendToStream(s.producerDb.pool, 'stream-P', 0, [{ type: 'PrivateThing', data: { orderId: 'o-1' } }], {
          now: '2030-01-01T00:00:00.000Z',
          correlationId: 'c',
          causationId: null,
          actor: { role: 'system', id: 't' },
        });
        // B is committed but sits behind A's in-flight transaction: nothing is safe to publish yet.
        expect(await relay.drain()).toBe(0);
        await a.query('COMMIT');
      } finally {
        a.release();
      }
      // A then B, the private event never.
      expect(await s.drainUntil(relay, 2)).toBe(2);
      expect(await relay.drain()).toBe(0);

      await s.consumer();
      await until('2 effects', async () => (await s.effects()).length >= 2);
      const effects = await s.effects();
      expect(effects.map((e) => e.seq)).toEqual([1, 2]); // same key: same partition, commit order
      expect(new Set(effects.map((e) => e.event_id)).size).toBe(2);
      expect(s.outcomes.map((o) => o.outcome)).toEqual(['handled', 'handled']);
    });

    it('a relay killed between send and checkpoint re-sends on restart; the inbox absorbs the duplicates', async () => {
      const sentBeforeCrash: number[] = [];
      const crashed = s.relay({
        faults: {
          afterSend: (n) => {
            sentBeforeCrash.push(n);
            throw new Error('injected crash after send');
          },
        },
      });
      for (let i = 1; i <= 3; i++) await s.append(`stream-${i}`, { orderId: `o-${i}`, seq: i });
      // Other transactions on the shared server can hold the horizon back, so a crashed attempt may
      // have sent only part of the log: crash until one attempt sent all three.
      await until('the crashing relay to send all 3', async () => {
        await expect(crashed.drain()).rejects.toThrow('injected crash after send');
        return sentBeforeCrash.includes(3);
      });
      await crashed.stop();

      const restarted = s.relay();
      expect(await s.drainUntil(restarted, 3)).toBe(3); // the whole log again: the checkpoint never moved
      const onTopic = sentBeforeCrash.reduce((a, b) => a + b, 0) + 3;
      await s.consumer();
      await until(
        `${onTopic} deliveries`,
        () => s.outcomes.length >= onTopic,
        20_000,
        () => s.outcomes,
      );
      const counts = s.outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.outcome]: (acc[o.outcome] ?? 0) + 1 }), {});
      expect(counts).toEqual({ handled: 3, duplicate: onTopic - 3 });
      const effects = await s.effects();
      expect(effects).toHaveLength(3);
      expect(new Set(effects.map((e) => e.event_id)).size).toBe(3);
    });

    it('a poison message goes to the dead-letter topic with the error headers; the partition moves on', async () => {
      const producer = s.kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        const good = (seq: number) => toKafkaMessage(envelope('OrderThing', { orderId: 'o-poison', seq, note: 'n' }), s.ev.OrderThing, 'order').message;
        const bad = { ...good(2), value: '{"orderId": 42' };
        await producer.send({ topic: s.ev.topics.orders, acks: -1, messages: [good(1), bad, good(3)] });
      } finally {
        await producer.disconnect();
      }
      const dlt = await s.collect(deadLetterTopic(s.ev.groupId));
      await s.consumer();
      await until('3 outcomes', () => s.outcomes.length >= 3);
      expect(s.outcomes.map((o) => o.outcome)).toEqual(['handled', 'dead-lettered', 'handled']);
      expect((await s.effects()).map((e) => e.seq)).toEqual([1, 3]);

      await until('the dead letter', () => dlt.length >= 1);
      const [letter] = dlt;
      const h = (n: string) => letter!.headers?.[n]?.toString();
      expect(letter!.value?.toString()).toBe('{"orderId": 42');
      expect(letter!.key?.toString()).toBe('o-poison');
      expect(h(DltHeaders.error)).toMatch(/InvalidMessageError: body is not JSON/);
      expect(h(DltHeaders.originalTopic)).toBe(s.ev.topics.orders);
      expect(h(DltHeaders.originalPartition)).toBe(String(s.outcomes[1]!.partition));
      expect(h(DltHeaders.originalOffset)).toBe(s.outcomes[1]!.offset);
      expect(h(DltHeaders.attempts)).toBe('0');
      expect(h('ce_type')).toBe('test.order.thing.v1'); // the original headers travel along
    });

    it('a handler failing transiently twice then succeeding has exactly one effect and no dead letter', async () => {
      let failures = 0;
      const cs = s.consumerDb.schema;
      await s.append('stream-t', { orderId: 'o-t', seq: 1 });
      await s.drainUntil(s.relay(), 1);
      await s.consumer({
        handlers: on(s.ev.OrderThing, async (tx, e) => {
          await tx.query(`INSERT INTO ${cs}.effects (event_id, order_id, seq) VALUES ($1, $2, $3)`, [e.id, e.data.orderId, e.data.seq]);
          if (failures < 2) {
            failures++;
            throw new Error('deadlock detected (transient)'); // after the insert: the rollback must undo it
          }
        }),
      });
      await until('the outcome', () => s.outcomes.length >= 1);
      expect(s.outcomes).toEqual([expect.objectContaining({ outcome: 'handled', attempts: 3 })]);
      expect(await s.effects()).toHaveLength(1);
    });

    it('a permanent handler failure is dead-lettered at once with the attempt count; later messages go on', async () => {
      for (let i = 1; i <= 3; i++) await s.append(`stream-${i}`, { orderId: 'o-perm', seq: i });
      await s.drainUntil(s.relay(), 3);
      const cs = s.consumerDb.schema;
      const dlt = await s.collect(deadLetterTopic(s.ev.groupId));
      await s.consumer({
        handlers: on(s.ev.OrderThing, async (tx, e) => {
          if (e.data.seq === 2) throw new PermanentError('cannot apply seq 2');
          await tx.query(`INSERT INTO ${cs}.effects (event_id, order_id, seq) VALUES ($1, $2, $3)`, [e.id, e.data.orderId, e.data.seq]);
        }),
      });
      await until('3 outcomes', () => s.outcomes.length >= 3);
      expect(s.outcomes.map((o) => [o.outcome, o.attempts])).toEqual([
        ['handled', 1],
        ['dead-lettered', 1],
        ['handled', 1],
      ]);
      expect((await s.effects()).map((e) => e.seq)).toEqual([1, 3]);
      await until('the dead letter', () => dlt.length >= 1);
      expect(dlt[0]!.headers?.[DltHeaders.error]?.toString()).toBe('PermanentError: cannot apply seq 2');
      expect(dlt[0]!.headers?.[DltHeaders.attempts]?.toString()).toBe('1');
    });

    /** The consumer's pool, counting connection checkouts: one per transaction the runner opens. */
    const countingPool = () => {
      const pool = s.consumerDb.pool;
      const counted = { transactions: 0, pool: { connect: () => (counted.transactions++, pool.connect()) } as unknown as Pool };
      return counted;
    };
    const sendRaw = async (messages: Message[]) => {
      const producer = s.kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await producer.send({ topic: s.ev.topics.orders, acks: -1, messages });
      } finally {
        await producer.disconnect();
      }
    };
    const thing = (seq: number, orderId = 'o-batch') => toKafkaMessage(envelope('OrderThing', { orderId, seq, note: 'n' }), s.ev.OrderThing, 'order').message;

    it("a partition's batch is applied in a few transactions, not one per message; a handler failing mid-batch is retried alone, its neighbours applied once (#18 item 4)", async () => {
      const n = 40;
      await sendRaw(Array.from({ length: n }, (_, i) => thing(i + 1)));
      const cs = s.consumerDb.schema;
      const counted = countingPool();
      let failed = false;
      await s.consumer({
        pool: counted.pool,
        handlers: on(s.ev.OrderThing, async (tx, e) => {
          await tx.query(`INSERT INTO ${cs}.effects (event_id, order_id, seq) VALUES ($1, $2, $3)`, [e.id, e.data.orderId, e.data.seq]);
          if (e.data.seq === 20 && !failed) {
            failed = true;
            throw new Error('deadlock detected (transient)'); // rolls back seq 1..20 of the shared transaction
          }
        }),
      });
      await until(`${n} outcomes`, () => s.outcomes.length >= n);
      expect(s.outcomes.map((o) => [o.outcome, o.attempts])).toEqual(
        Array.from({ length: n }, (_, i) => ['handled', i === 19 ? 2 : 1]), // seq 20's failure in the batch was attempt 1
      );
      expect((await s.effects()).map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      // At least: the failed transaction, seq 1..19 again, seq 20 alone, the rest; kafkajs may split the fetch.
      expect(counted.transactions).toBeGreaterThanOrEqual(4);
      expect(counted.transactions).toBeLessThanOrEqual(10);
    });

    it('a record delivered twice in one batch is applied once: the inbox statement marks its second place a duplicate', async () => {
      const twice = thing(1);
      await sendRaw([twice, thing(2), twice]);
      await s.consumer();
      await until('3 outcomes', () => s.outcomes.length >= 3);
      expect(s.outcomes.map((o) => o.outcome)).toEqual(['handled', 'handled', 'duplicate']);
      expect((await s.effects()).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('a transaction out of time takes no further message; the inbox rows of those left out are taken back, so each is still applied', async () => {
      const n = 6;
      await sendRaw(Array.from({ length: n }, (_, i) => thing(i + 1)));
      const counted = countingPool();
      // 0 ms: every transaction closes after its first message; had the others' inbox rows stayed,
      // they would come back as duplicates and never be applied.
      await s.consumer({ pool: counted.pool, maxTransactionMs: 0 });
      await until(`${n} outcomes`, () => s.outcomes.length >= n);
      expect(s.outcomes.map((o) => o.outcome)).toEqual(Array(n).fill('handled'));
      expect((await s.effects()).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(counted.transactions).toBe(n);
    });

    it('chaos mode delivers every message twice; the inbox keeps one effect per event', async () => {
      for (let i = 1; i <= 4; i++) await s.append(`stream-${i}`, { orderId: `o-${i % 2}`, seq: i });
      await s.drainUntil(s.relay(), 4);
      await s.consumer({ chaos: { duplicate: true } });
      await until('8 deliveries', () => s.outcomes.length >= 8);
      expect(s.outcomes.filter((o) => o.outcome === 'handled')).toHaveLength(4);
      expect(s.outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(4);
      expect(await s.effects()).toHaveLength(4);
    });
  });
