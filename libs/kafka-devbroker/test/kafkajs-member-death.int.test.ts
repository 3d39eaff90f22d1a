import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { describeEachBroker, recordResult } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor, waitFor } from './helpers/kafkajs-client';
import { stopChild } from './helpers/kcat';

const ROOT = resolve(__dirname, '../../..');
const MEMBER_SCRIPT = 'libs/kafka-devbroker/test/support/kafkajs-member.ts';
const SESSION_MS = 3000;
const HEARTBEAT_MS = 300;
const TOPIC = 'death';

interface ChildEvent {
  event: 'join' | 'committed';
  partitions?: number[];
  partition?: number;
  value?: string;
}

/**
 * §13 D4: a kafkajs member that dies (SIGKILL: no LeaveGroup, no more heartbeats) keeps its
 * partitions until its session times out; then the survivor takes them over and resumes at the
 * dead member's committed offsets, losing nothing and replaying nothing it had committed.
 */
describeEachBroker('kafkajs member death (SIGKILLed child process)', (suite) => {
  let admin: Admin;
  let producer: Producer;
  let survivor: Consumer | undefined;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    const kafka = kafkaFor(suite.broker);
    admin = kafka.admin();
    producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
    await createTopics(admin, [{ topic: TOPIC, numPartitions: 4 }]);
  });
  afterAll(async () => {
    if (child) await stopChild(child, 'SIGKILL');
    await survivor?.disconnect();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  /** Starts the child member; its stdout events are appended to the returned list. */
  const spawnMember = (): ChildEvent[] => {
    const events: ChildEvent[] = [];
    child = spawn(process.execPath, ['--require', './tools/swc-register.js', MEMBER_SCRIPT, suite.broker.brokers, 'g-death', TOPIC, String(SESSION_MS)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout! }).on('line', (l) => events.push(JSON.parse(l) as ChildEvent));
    return events;
  };

  /** Two messages per partition, tagged with the phase. */
  const produce = (phase: string) =>
    producer.send({ topic: TOPIC, messages: [0, 1, 2, 3].flatMap((p) => [0, 1].map((i) => ({ partition: p, value: `${phase}-p${p}-${i}` }))) });

  it('takes over only after the session timeout and resumes at the committed offsets', async () => {
    const childEvents = spawnMember();
    const lastJoin = () => [...childEvents].reverse().find((e) => e.event === 'join')?.partitions ?? [];
    await waitFor(() => lastJoin().length === 4, 20_000, 'child owns all 4 partitions');

    // The in-process survivor joins: the group splits 2/2.
    survivor = kafkaFor(suite.broker).consumer({
      groupId: 'g-death',
      sessionTimeout: SESSION_MS,
      heartbeatInterval: HEARTBEAT_MS,
      maxWaitTimeInMs: 100,
      rebalanceTimeout: 5000,
    });
    const mine: { partitions: number[]; at: number } = { partitions: [], at: 0 };
    survivor.on(survivor.events.GROUP_JOIN, (e) => {
      mine.partitions = [...((e.payload.memberAssignment as Record<string, number[]>)[TOPIC] ?? [])].sort();
      mine.at = Date.now();
    });
    const seen: string[] = [];
    await survivor.connect();
    await survivor.subscribe({ topic: TOPIC, fromBeginning: true });
    await survivor.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(() => mine.partitions.length === 2 && lastJoin().length === 2, 20_000, '2/2 split');
    const childPartitions = lastJoin();
    expect([...mine.partitions, ...childPartitions].sort()).toEqual([0, 1, 2, 3]);

    // Phase 1: each member consumes (the child commits) its own partitions' messages.
    await produce('one');
    const childCommitted = () => childEvents.filter((e) => e.event === 'committed').map((e) => e.value!);
    await waitFor(() => childCommitted().length === 4 && seen.length === 4, 10_000, 'phase one consumed');
    expect(childCommitted().every((v) => childPartitions.some((p) => v.startsWith(`one-p${p}-`)))).toBe(true);

    // SIGKILL: the broker hears nothing more from the child.
    const killedAt = Date.now();
    await stopChild(child!, 'SIGKILL');
    child = undefined;
    await produce('two');

    await waitFor(() => mine.partitions.length === 4, SESSION_MS + 5_000, 'survivor takes over all partitions');
    const takeoverMs = mine.at - killedAt;
    if (process.env.DEVBROKER_TEST_VERBOSE) console.log({ broker: suite.broker.name, takeoverMs });
    recordResult(`member-death broker="${suite.broker.name}" sessionMs=${SESSION_MS} takeoverMs=${takeoverMs}`);
    // Not before the session timeout (less one heartbeat interval: the child's last heartbeat may
    // have been that long before the kill), and within the timeout plus a few seconds.
    expect(takeoverMs).toBeGreaterThanOrEqual(SESSION_MS - HEARTBEAT_MS - 100);
    expect(takeoverMs).toBeLessThan(SESSION_MS + 3_000);

    // Phase 2 everywhere, resumed at the child's commits: nothing lost, nothing committed replayed.
    await waitFor(() => seen.length === 4 + 8, 10_000, 'survivor consumes the rest');
    const expected = [0, 1, 2, 3].flatMap((p) => [0, 1].map((i) => `two-p${p}-${i}`));
    expect(seen.filter((v) => v.startsWith('two-')).sort()).toEqual(expected.sort());
    // Every phase-one message exactly once across both members.
    expect([...seen.filter((v) => v.startsWith('one-')), ...childCommitted()].sort()).toEqual(expected.map((v) => v.replace('two', 'one')).sort());
    expect(new Set(seen).size).toBe(seen.length);
    // And the survivor's own commits now cover every partition.
    await waitFor(
      async () => (await admin.fetchOffsets({ groupId: 'g-death', topics: [TOPIC] }))[0]!.partitions.every((p) => p.offset === '4'),
      10_000,
      'offsets committed at 4',
    );
  });
});
