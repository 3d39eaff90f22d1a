import { ConsumerGroups, deadLetterTopic, Topics } from '@bp/contracts';
import { deadLetterMessage } from '@bp/messaging';
import { testDatabase, testKafka, type TestDatabase, type TestKafka } from '@bp/testing';
import { type IHeaders, Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { OpsContext } from '../src/ops/context';
import { runOps } from '../src/ops/cli';
import { deadLetters } from '../src/ops/dead-letters';

// `ops dead-letters` and `ops redrive` over dead letters written exactly as the consumer runner
// writes them (deadLetterMessage into `<group>.dlt`), on a broker of this file's own.
const ceHeaders = (id: string, orderId: string): Record<string, string> => ({
  ce_specversion: '1.0',
  ce_id: id,
  ce_type: 'marketplace.order.completed.v1',
  ce_source: '/services/order',
  ce_time: '2026-01-05T00:00:00.000Z',
  ce_subject: orderId,
  correlation_id: orderId,
});

const asStrings = (h: IHeaders | undefined) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, v?.toString()]));

describe('ops dead-letters and redrive', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let client: Kafka;
  let ctx: OpsContext;
  let group: string;
  const lines: string[] = [];
  const letters = [
    {
      key: 'o-1',
      value: '{"orderId":"o-1"}',
      headers: ceHeaders('ev-1', 'o-1'),
      offset: '7',
      attempts: 5,
      error: new Error(`relation "x" does not exist\n${'detail '.repeat(100)}`),
    },
    { key: 'o-2', value: 'not json', headers: ceHeaders('ev-2', 'o-2'), offset: '8', attempts: 0, error: new SyntaxError('Unexpected token o') },
  ];

  /** Every message of a topic, read from the start by a throwaway group until `count` arrived. */
  const readTopic = async (topic: string, count: number) => {
    const consumer = client.consumer({ groupId: `${group}-reader-${Math.random()}`, maxWaitTimeInMs: 100 });
    const seen: { key: string | undefined; value: string | undefined; headers: Record<string, string | undefined> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message: m }) => void seen.push({ key: m.key?.toString(), value: m.value?.toString(), headers: asStrings(m.headers) }),
    });
    while (seen.length < count) await new Promise((r) => setTimeout(r, 25));
    await consumer.disconnect();
    return seen;
  };
  const highWatermark = async (topic: string) => {
    const admin = client.admin();
    await admin.connect();
    const [p] = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    return p!.high;
  };

  beforeAll(async () => {
    db = await testDatabase('ops_dlt');
    kafka = await testKafka();
    group = `${db.schema.replace(/_/g, '-')}-escrow`;
    client = new Kafka({ clientId: 'ops-dlt-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    ctx = {
      pool: db.newPool(),
      env: { KAFKA_BROKERS: kafka.brokers.join(',') },
      schemas: { order: 'order', escrow: 'escrow', dispute: 'dispute', notification: 'notification' },
      clockSchema: 'sim_clock',
      serviceUrls: {},
      logger: pino({ level: 'silent' }),
      out: (l) => lines.push(l),
    };
  }, 60_000);

  afterAll(async () => {
    await ctx?.pool.end();
    await kafka?.stop();
    await db?.close();
  });

  it('says so when there are none, and refuses a group that is nobody\'s rather than reading a typo as "none"', async () => {
    lines.length = 0;
    expect(await runOps(ctx, ['dead-letters'])).toBe(0);
    expect(await runOps(ctx, ['dead-letters', 'escrow-service'])).toBe(0);
    expect(lines).toEqual(['no dead letters', 'no dead letters']);
    await expect(runOps(ctx, ['dead-letters', 'escrow'])).rejects.toThrow(
      /no topic escrow\.dlt: escrow never dead-lettered and is no service's group \(order-service/,
    );
  });

  it("lists every group's dead letters with their origin, ids and a one-line error, without touching groups or topics", async () => {
    const producer = client.producer();
    await producer.connect();
    await producer.send({
      topic: deadLetterTopic(group),
      messages: letters.map(({ key, value, headers, offset, attempts, error }) =>
        deadLetterMessage({
          topic: Topics.orders,
          partition: 0,
          message: { key: Buffer.from(key), value: Buffer.from(value), headers, offset },
          error,
          attempts,
        }),
      ),
    });
    await producer.disconnect();

    lines.length = 0;
    expect(await runOps(ctx, ['dead-letters'])).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('2 dead letter(s), 0 redriven');
    expect(lines[1]).toMatch(
      new RegExp(
        `^${group}  dlt 0:0  from orders\\.v1 p0 @7  key o-1  attempts 5  ce_id ev-1 marketplace\\.order\\.completed\\.v1  error: Error: relation "x" does not exist detail detail `,
      ),
    );
    expect(lines[1]!.endsWith('…')).toBe(true);
    expect(lines[1]!.length).toBeLessThan(400);
    expect(lines[2]).toBe(
      `${group}  dlt 0:1  from orders.v1 p0 @8  key o-2  attempts 0  ce_id ev-2 marketplace.order.completed.v1  error: SyntaxError: Unexpected token o`,
    );
    expect((await deadLetters(ctx, group)).map((l) => [l.group, l.offset, l.ceId, l.redriven])).toEqual([
      [group, '0', 'ev-1', false],
      [group, '1', 'ev-2', false],
    ]);

    // Read by a throwaway group, deleted after: no group, offset or topic is left behind.
    const admin = client.admin();
    await admin.connect();
    expect((await admin.listGroups()).groups.filter((g) => g.groupId.startsWith('ops-'))).toEqual([]);
    // (The test Kafka provisions every service group's dead-letter topic up front; no other was made.)
    const provisioned = new Set(Object.values(ConsumerGroups).map(deadLetterTopic));
    expect((await admin.listTopics()).filter((t) => t.endsWith('.dlt') && !provisioned.has(t))).toEqual([deadLetterTopic(group)]);
    await admin.disconnect();
  });

  it('redrive re-sends to the original topic with the original key, value and headers, once', async () => {
    lines.length = 0;
    expect(await runOps(ctx, ['redrive', group, '--offset', '0'])).toBe(0);
    expect(lines).toEqual([`sent dlt 0:0 to orders.v1  key o-1  ce_id ev-1 marketplace.order.completed.v1`, `redrove 1 dead letter(s) of ${group}`]);
    lines.length = 0;
    expect(await runOps(ctx, ['redrive', group, '--all'])).toBe(0);
    expect(lines).toEqual([
      `sent dlt 0:1 to orders.v1  key o-2  ce_id ev-2 marketplace.order.completed.v1`,
      'skipped dlt 0:0: already redriven',
      `redrove 1 dead letter(s) of ${group}; 1 already redriven`,
    ]);

    expect(await readTopic(Topics.orders, 2)).toEqual(letters.map(({ key, value, headers }) => ({ key, value, headers })));

    lines.length = 0;
    expect(await runOps(ctx, ['redrive', group, '--all'])).toBe(0);
    expect(await runOps(ctx, ['redrive', group, '--offset', '1', '--offset', '0:0'])).toBe(0);
    expect(lines.filter((l) => l.startsWith('redrove'))).toEqual([
      `redrove 0 dead letter(s) of ${group}; 2 already redriven`,
      `redrove 0 dead letter(s) of ${group}; 2 already redriven`,
    ]);
    expect(await highWatermark(Topics.orders)).toBe('2'); // nothing sent twice

    lines.length = 0;
    await runOps(ctx, ['dead-letters', group]);
    expect(lines[0]).toBe('2 dead letter(s), 2 redriven');
    expect(lines[1]).toContain('dlt 0:0 (redriven)');
  });

  it('refuses an unknown offset before sending anything, and a selection that is not one', async () => {
    await expect(runOps(ctx, ['redrive', group, '--offset', '1', '--offset', '99'])).rejects.toThrow(`no dead letter at 99 of ${group}`);
    await expect(runOps(ctx, ['redrive', group])).rejects.toThrow(/redrive <group> --offset/);
    await expect(runOps(ctx, ['redrive', group, '--all', '--offset', '0'])).rejects.toThrow(/redrive <group> --offset/);
    await expect(runOps(ctx, ['redrive', group, '--offset', 'x'])).rejects.toThrow(/redrive <group> --offset/);
  });
});
