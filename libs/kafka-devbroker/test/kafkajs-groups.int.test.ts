import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { Writer } from '../src/protocol/writer';
import { describeEachBroker } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor, waitFor } from './helpers/kafkajs-client';
import { RawClient } from './helpers/raw-client';

type Assignment = Record<string, number[]>;

/** A kafkajs member whose current assignment is tracked through GROUP_JOIN events. */
const member = (kafka: Kafka, groupId: string) => {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 1500, heartbeatInterval: 100, maxWaitTimeInMs: 100, rebalanceTimeout: 3000 });
  const state = { assignment: {} as Assignment, joins: 0, seen: [] as string[] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.assignment = e.payload.memberAssignment as Assignment;
    state.joins++;
  });
  return { consumer, state };
};

const owned = (a: Assignment, topic: string) => [...(a[topic] ?? [])].sort();

/** A raw JoinGroup (v3: no MEMBER_ID_REQUIRED round; v4: with it) on a connection of its own. */
const joinGroup = async (port: number, version: 3 | 4, o: { groupId: string; memberId: string; protocol: string }) => {
  const client = await RawClient.open(port);
  try {
    const body = new Writer()
      .string(o.groupId)
      .int32(1000) // session timeout
      .int32(1000) // rebalance timeout
      .string(o.memberId)
      .string('consumer')
      .array([o.protocol], (w, name) => w.string(name).bytes(Buffer.alloc(0)));
    const r = await client.request(11, version, body);
    r.int32(); // throttle_time_ms
    return { error: r.int16(), generationId: r.int32(), protocol: r.string(), leader: r.string(), memberId: r.string() };
  } finally {
    client.close();
  }
};

/** A raw LeaveGroup v1: the error code. */
const leaveGroup = async (port: number, groupId: string, memberId: string): Promise<number> => {
  const client = await RawClient.open(port);
  try {
    const r = await client.request(13, 1, new Writer().string(groupId).string(memberId));
    r.int32();
    return r.int16();
  } finally {
    client.close();
  }
};

describeEachBroker('kafkajs consumer groups', (suite) => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const live: Consumer[] = [];

  beforeAll(async () => {
    kafka = kafkaFor(suite.broker);
    admin = kafka.admin();
    producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.all(live.map((c) => c.disconnect()));
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  const run = async (m: ReturnType<typeof member>, topic: string) => {
    live.push(m.consumer);
    await m.consumer.connect();
    await m.consumer.subscribe({ topic, fromBeginning: true });
    await m.consumer.run({ eachMessage: async ({ message }) => void m.state.seen.push(message.value!.toString()) });
  };

  it('rebalances on join and on leave: disjoint, complete splits', async () => {
    await createTopics(admin, [{ topic: 'split', numPartitions: 4 }]);
    const a = member(kafka, 'g-split');
    await run(a, 'split');
    await waitFor(() => owned(a.state.assignment, 'split').length === 4, 10_000, 'a owns all');

    const b = member(kafka, 'g-split');
    await run(b, 'split');
    await waitFor(() => owned(a.state.assignment, 'split').length === 2 && owned(b.state.assignment, 'split').length === 2, 10_000, 'split 2/2');
    expect([...owned(a.state.assignment, 'split'), ...owned(b.state.assignment, 'split')].sort()).toEqual([0, 1, 2, 3]);
    const described = (await admin.describeGroups(['g-split'])).groups[0];
    expect(described).toMatchObject({ state: 'Stable', protocol: 'RoundRobinAssigner' });
    expect(described?.members).toHaveLength(2);

    await b.consumer.disconnect(); // LeaveGroup: takeover without waiting for the session timeout
    live.splice(live.indexOf(b.consumer), 1);
    const left = Date.now();
    await waitFor(() => owned(a.state.assignment, 'split').length === 4, 5_000, 'a takes over');
    expect(Date.now() - left).toBeLessThan(1500);

    await producer.send({ topic: 'split', messages: [0, 1, 2, 3].map((p) => ({ partition: p, value: `after-${p}` })) });
    await waitFor(() => [0, 1, 2, 3].every((p) => a.state.seen.includes(`after-${p}`)), 10_000, 'a consumes everything');
  });

  it('keeps committed offsets across a consumer restart: nothing lost, nothing replayed', async () => {
    await createTopics(admin, [{ topic: 'resume', numPartitions: 2 }]);
    await producer.send({ topic: 'resume', messages: Array.from({ length: 20 }, (_, i) => ({ key: `${i}`, value: `first-${i}` })) });
    const one = member(kafka, 'g-resume');
    await run(one, 'resume');
    await waitFor(() => one.state.seen.length === 20, 10_000, 'first batch');
    await one.consumer.disconnect(); // commits on the way out
    live.splice(live.indexOf(one.consumer), 1);

    await producer.send({ topic: 'resume', messages: Array.from({ length: 10 }, (_, i) => ({ key: `${i}`, value: `second-${i}` })) });
    const two = member(kafka, 'g-resume');
    await run(two, 'resume');
    await waitFor(() => two.state.seen.length === 10, 10_000, 'second batch');
    expect(two.state.seen.every((v) => v.startsWith('second-'))).toBe(true);
  });

  it('sees MEMBER_ID_REQUIRED once per new member (JoinGroup v4+)', async () => {
    const { port } = suite.broker;
    const first = await joinGroup(port, 4, { groupId: 'g-raw', memberId: '', protocol: 'range' });
    expect(first.error).toBe(79);
    expect(first.memberId).not.toBe('');
    const second = await joinGroup(port, 4, { groupId: 'g-raw', memberId: first.memberId, protocol: 'range' });
    expect(second).toMatchObject({ error: 0, generationId: 1, leader: first.memberId, memberId: first.memberId });
    expect(await leaveGroup(port, 'g-raw', first.memberId)).toBe(0);
  });

  it('refuses a member speaking another assignment protocol (23)', async () => {
    const { port } = suite.broker;
    const a = await joinGroup(port, 3, { groupId: 'g-mixed', memberId: '', protocol: 'RoundRobinAssigner' });
    expect(a.error).toBe(0);
    const b = await joinGroup(port, 3, { groupId: 'g-mixed', memberId: '', protocol: 'range' });
    expect(b.error).toBe(23);
    expect(await leaveGroup(port, 'g-mixed', a.memberId)).toBe(0);
  });
});
