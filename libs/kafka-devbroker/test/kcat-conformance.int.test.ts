import type { Admin, Consumer, Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { describeEachBroker } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor, waitFor } from './helpers/kafkajs-client';
import { itKcat, kcat, requireKcat, spawnKcat, stopChild } from './helpers/kcat';

describeEachBroker('kcat (librdkafka) conformance', (suite) => {
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    requireKcat();
    const kafka = kafkaFor(suite.broker);
    admin = kafka.admin();
    producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  const b = () => ['-b', suite.broker.brokers];

  itKcat('kcat -L: ApiVersions v3 in one round trip, Metadata v4, the one broker is the controller', async () => {
    const { nodeId, brokers } = suite.broker;
    await createTopics(admin, [{ topic: 'listed', numPartitions: 2 }]);
    const r = await kcat([...b(), '-L', '-J', '-d', 'protocol']);
    expect(r.code).toBe(0);
    const meta = JSON.parse(r.stdout) as { controllerid: number; brokers: { id: number; name: string }[]; topics: { topic: string; partitions: unknown[] }[] };
    expect(meta.controllerid).toBe(nodeId);
    expect(meta.brokers).toEqual([{ id: nodeId, name: brokers }]);
    expect(meta.topics.find((t) => t.topic === 'listed')?.partitions).toHaveLength(2);
    expect(r.stderr.match(/Sent ApiVersionRequest \(v(\d)/g)).toEqual(['Sent ApiVersionRequest (v3']);
    // librdkafka 2.0.2 asks Metadata v4 of both (Apache speaks up to v13, the dev broker v6).
    expect(r.stderr).toMatch(/Sent MetadataRequest \(v4/);
  });

  for (const [name, compression] of [
    ['uncompressed', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
  ] as const) {
    itKcat(`kafkajs → kcat: keys, null values and headers byte-exact (${name})`, async () => {
      const topic = `to-kcat-${name}`;
      await createTopics(admin, [{ topic }]);
      await producer.send({
        topic,
        compression,
        messages: [
          { key: 'k1', value: 'plain', headers: { a: 'b' } },
          { key: 'k2', value: null, headers: { h1: 'x', h2: 'ü€' } },
          { key: null, value: 'no key ✓' },
        ],
      });
      const r = await kcat([...b(), '-C', '-t', topic, '-e', '-Z', '-f', '%p|%o|%k|%s|%h\n']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(['0|0|k1|plain|a=b', '0|1|k2|NULL|h1=x,h2=ü€', '0|2|NULL|no key ✓|', ''].join('\n'));
    });
  }

  for (const codec of ['none', 'gzip']) {
    itKcat(`kcat → kafkajs: keys, null values and headers byte-exact (-z ${codec})`, async () => {
      const topic = `from-kcat-${codec}`;
      const r = await kcat([...b(), '-P', '-t', topic, '-K', ':', '-Z', '-H', 'a=b', '-H', 'c=ü', '-z', codec], 'k1:v1\nk2:\n:v3\n');
      expect(r.code).toBe(0);
      const consumer = kafkaFor(suite.broker).consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen: [string, string | null, string | null, Record<string, string>][] = [];
      await consumer.run({
        eachMessage: async ({ message }) =>
          void seen.push([
            message.offset,
            message.key?.toString() ?? null,
            message.value?.toString() ?? null,
            Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          ]),
      });
      await waitFor(() => seen.length === 3, 15_000, 'three messages');
      const h = { a: 'b', c: 'ü' };
      expect(seen).toEqual([
        ['0', 'k1', 'v1', h],
        ['1', 'k2', null, h],
        ['2', null, 'v3', h],
      ]);
    });
  }

  itKcat('kafkajs murmur2 keyed placement matches kcat -X partitioner=murmur2_random', async () => {
    await createTopics(admin, [
      { topic: 'keys-js', numPartitions: 4 },
      { topic: 'keys-kcat', numPartitions: 4 },
    ]);
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    await producer.send({ topic: 'keys-js', messages: keys.map((k) => ({ key: k, value: k })) });
    await kcat([...b(), '-P', '-t', 'keys-kcat', '-K', ':', '-X', 'partitioner=murmur2_random'], keys.map((k) => `${k}:${k}`).join('\n') + '\n');
    const placement = async (topic: string) => {
      const r = await kcat([...b(), '-C', '-t', topic, '-e', '-f', '%k %p\n']);
      return new Map(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => l.split(' ') as [string, string]),
      );
    };
    const js = await placement('keys-js');
    const rd = await placement('keys-kcat');
    expect(js.size).toBe(40);
    expect(new Set(js.values()).size).toBe(4);
    expect(rd).toEqual(js);
  });

  itKcat('kcat -Q and -o s@ find offsets by timestamp', async () => {
    const t0 = Date.now();
    await producer.send({
      topic: 'ts',
      messages: [
        { value: 'a', timestamp: String(t0 - 1000) },
        { value: 'b', timestamp: String(t0) },
        { value: 'c', timestamp: String(t0 + 1000) },
      ],
    });
    const q = await kcat([...b(), '-Q', '-t', `ts:0:${t0}`]);
    expect(q.stdout).toMatch(/offset 1\b/);
    const c = await kcat([...b(), '-C', '-t', 'ts', '-o', `s@${t0}`, '-e', '-f', '%s\n']);
    expect(c.stdout).toBe('b\nc\n');
  });

  itKcat('kcat -C on a missing topic does not auto-create it', async () => {
    const r = await kcat([...b(), '-C', '-t', 'never-created', '-e'], undefined, 10_000);
    expect(r.code).not.toBe(0);
    expect(await admin.listTopics()).not.toContain('never-created');
  });

  itKcat('kcat idempotent producer sends without duplicates', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `m${i}`);
    const r = await kcat([...b(), '-P', '-t', 'idem-kcat', '-X', 'enable.idempotence=true'], lines.join('\n') + '\n');
    expect(r.code).toBe(0);
    const c = await kcat([...b(), '-C', '-t', 'idem-kcat', '-e', '-f', '%s\n']);
    expect(c.stdout.trim().split('\n')).toEqual(lines);
  });

  itKcat('kcat -G commits survive its restart; admin resetOffsets to earliest makes it replay the topic', async () => {
    await createTopics(admin, [{ topic: 'kreplay', numPartitions: 2 }]);
    await producer.send({ topic: 'kreplay', messages: Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `first-${i}` })) });
    // -e: exit at the end of every assigned partition; the close commits (librdkafka auto-commit).
    const member = async () => {
      const r = await kcat([...b(), '-G', 'kcat-replay', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\n', 'kreplay'], undefined, 30_000);
      expect(r.code).toBe(0);
      return r.stdout.trim().split('\n').filter(Boolean).sort();
    };
    expect(await member()).toEqual(Array.from({ length: 6 }, (_, i) => `first-${i}`));
    await producer.send({
      topic: 'kreplay',
      messages: [
        { key: 'k0', value: 'second-0' },
        { key: 'k1', value: 'second-1' },
      ],
    });
    expect(await member()).toEqual(['second-0', 'second-1']); // restarted: resumes at its commits

    await admin.resetOffsets({ groupId: 'kcat-replay', topic: 'kreplay', earliest: true });
    expect(await member()).toEqual([...Array.from({ length: 6 }, (_, i) => `first-${i}`), 'second-0', 'second-1'].sort());
  });

  itKcat('two kcat -G members split partitions and one takes over when the other leaves', async () => {
    await createTopics(admin, [{ topic: 'kgroup', numPartitions: 2 }]);
    const args = [
      ...b(),
      '-G',
      'kcat-group',
      '-X',
      'session.timeout.ms=2000',
      '-X',
      'heartbeat.interval.ms=200',
      '-X',
      'auto.offset.reset=earliest',
      '-u',
      '-f',
      '%p %s\n',
      'kgroup',
    ];
    const one = spawnKcat(args);
    await waitFor(() => /assigned: kgroup \[0\], kgroup \[1\]/.test(one.stderr()), 15_000, 'first member owns both partitions');
    const two = spawnKcat(args);
    try {
      await waitFor(() => /assigned: kgroup \[\d\]\n/.test(two.stderr()), 20_000, 'second member gets one partition');
      await stopChild(two.proc, 'SIGTERM');
      await waitFor(() => (one.stderr().match(/assigned: kgroup \[0\], kgroup \[1\]/g) ?? []).length >= 2, 20_000, 'takeover');
      await producer.send({
        topic: 'kgroup',
        messages: [
          { value: 'p0', partition: 0 },
          { value: 'p1', partition: 1 },
        ],
      });
      await waitFor(() => one.stdout().includes('0 p0') && one.stdout().includes('1 p1'), 10_000, 'consumption after takeover');
    } finally {
      await stopChild(two.proc, 'SIGKILL');
      await stopChild(one.proc, 'SIGKILL');
    }
  });
  itKcat('a SIGKILLed kcat -G member is dropped only after its session timeout', async () => {
    await createTopics(admin, [{ topic: 'kdeath', numPartitions: 2 }]);
    const args = [...b(), '-G', 'kcat-death', '-X', 'session.timeout.ms=1500', '-X', 'heartbeat.interval.ms=200', '-f', '%p %s\n', 'kdeath'];
    const one = spawnKcat(args);
    const two = spawnKcat(args);
    try {
      await waitFor(() => /assigned: kdeath \[\d\]\n/.test(one.stderr()) && /assigned: kdeath \[\d\]\n/.test(two.stderr()), 20_000, 'split');
      const both = () => (one.stderr().match(/assigned: kdeath \[0\], kdeath \[1\]/g) ?? []).length;
      const before = both();
      await stopChild(two.proc, 'SIGKILL'); // no LeaveGroup: only the session timer can notice
      const killed = Date.now();
      await waitFor(() => both() > before, 15_000, 'takeover after death');
      expect(Date.now() - killed).toBeGreaterThanOrEqual(1000);
    } finally {
      await stopChild(two.proc, 'SIGKILL');
      await stopChild(one.proc, 'SIGKILL');
    }
  });
});
