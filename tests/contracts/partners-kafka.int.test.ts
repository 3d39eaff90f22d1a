// Partners' real clients on our topics (issue 16 item 6): kcat (librdkafka) and the Java client
// (kafka-clients 4.1.1 with its defaults, tools/kafka/partner-consumer) read, each in a consumer group
// of its own, the events the services published through their relays for real orders, and every
// record is checked as docs/partners.md promises: key = ce_subject, the CloudEvents headers, the JSON
// value valid against the published JSON Schema of its ce_type, every event of an order on one
// partition in the order it happened. The broker is this run's test Kafka (Apache Kafka under CI).
import { exportJsonSchemas, publicEvents, Topics } from '@bp/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { itKcat, kcat } from '../../libs/kafka-devbroker/test/helpers/kcat';
import { recordResult } from '../security/support/results';
import { confirmReceipt, expectStatus, parties, pay, placeOrder, ship } from '../e2e/support/story';
import { useSystem } from '../e2e/support/system';
import { buildJavaPartner, itJava, runJavaPartner } from './support/java-partner';

// ajv is what fastify validates with (a dependency of every service); its draft 2020-12 build matches exportJsonSchemas.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv/dist/2020').default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;

/** A record as a partner's client printed it. */
interface PartnerRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  headers: Record<string, string | null>;
  value: string | null;
}

const TOPICS = [Topics.orders, Topics.escrow];
const ORDERS = 3;
const SOURCES: Record<string, string> = { [Topics.orders]: '/services/order', [Topics.escrow]: '/services/escrow' };

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validators = new Map(Object.entries(exportJsonSchemas(publicEvents)).map(([ceType, schema]) => [ceType, ajv.compile(schema as object)]));

/** Every promise of docs/partners.md a record can break, as a list of what is wrong (empty: fine). */
const problems = (r: PartnerRecord): string[] => {
  const out: string[] = [];
  const h = r.headers;
  const where = `${r.topic}[${r.partition}]@${r.offset}`;
  if (h.ce_specversion !== '1.0') out.push(`${where}: ce_specversion ${h.ce_specversion}`);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(h.ce_id ?? '')) out.push(`${where}: ce_id ${h.ce_id}`);
  if (h.ce_source !== SOURCES[r.topic]) out.push(`${where}: ce_source ${h.ce_source}`);
  if (!h.ce_time || new Date(h.ce_time).toISOString() !== h.ce_time) out.push(`${where}: ce_time ${h.ce_time}`);
  if (!r.key || h.ce_subject !== r.key) out.push(`${where}: key ${r.key} vs ce_subject ${h.ce_subject}`);
  if (!h.correlation_id) out.push(`${where}: no correlation_id`);
  if (h['content-type'] !== 'application/json') out.push(`${where}: content-type ${h['content-type']}`);
  const validate = validators.get(h.ce_type ?? '');
  if (!validate) out.push(`${where}: unknown ce_type ${h.ce_type}`);
  else if (!validate(JSON.parse(r.value ?? 'null'))) out.push(`${where}: ${h.ce_type} data invalid: ${ajv.errorsText(validate.errors)}`);
  return out;
};

/** Per (topic, key): the ce_types in offset order, one per ce_id (delivery is at least once), and the partitions used. */
const perOrder = (records: PartnerRecord[]) => {
  const byKey = new Map<string, { types: string[]; partitions: Set<number>; ids: Set<string> }>();
  for (const r of [...records].sort((a, b) => a.offset - b.offset)) {
    const k = `${r.topic} ${r.key}`;
    const e = byKey.get(k) ?? { types: [], partitions: new Set<number>(), ids: new Set<string>() };
    byKey.set(k, e);
    e.partitions.add(r.partition);
    if (e.ids.has(r.headers.ce_id!)) continue;
    e.ids.add(r.headers.ce_id!);
    e.types.push(r.headers.ce_type!);
  }
  return byKey;
};

describe('partners’ clients (kcat, Java kafka-clients) read our topics in consumer groups', () => {
  const sys = useSystem();
  const orderIds: string[] = [];
  let total = 0;
  const brokers = () => sys.kafka.brokers.join(',');

  beforeAll(async () => {
    await buildJavaPartner(); // no-op without Java: that test is skipped (or fails under CI=true)
    // Real events through the relays: orders placed, paid, shipped and confirmed over HTTP.
    for (let i = 0; i < ORDERS; i++) {
      const p = parties(sys);
      const { orderId } = await placeOrder(sys, p);
      await pay(sys, p, orderId);
      await ship(p, orderId);
      await sys.advance('P3D');
      expectStatus(await confirmReceipt(p.buyer, orderId), 200, 'confirm');
      orderIds.push(orderId);
    }
    await sys.settle();
    for (const id of orderIds) await sys.awaitPartner((e) => e.subject === id && e.ceType === 'marketplace.escrow.funds-released.v1');
    const admin = new Kafka({ brokers: sys.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    for (const t of TOPICS) total += (await admin.fetchTopicOffsets(t)).reduce((n, p) => n + Number(p.high), 0);
    await admin.disconnect();
  }, 300_000);

  /** The checks every client's reading must pass; `client` names it in the figures. */
  const expectPartnerView = (client: string, records: PartnerRecord[]) => {
    expect(records).toHaveLength(total);
    expect(records.flatMap(problems)).toEqual([]);
    const orders = perOrder(records);
    for (const id of orderIds) {
      for (const topic of TOPICS) {
        const seen = orders.get(`${topic} ${id}`);
        expect(seen?.partitions.size).toBe(1); // every event of an order on one partition ...
        // ... in the order it happened, as our own (kafkajs) partner group read it.
        expect({ topic, id, types: seen?.types }).toEqual({ topic, id, types: sys.partnerEvents({ subject: id, topic }).map((e) => e.ceType) });
      }
      expect(orders.get(`${Topics.orders} ${id}`)?.types).toEqual([
        'marketplace.order.placed.v1',
        'marketplace.order.paid.v1',
        'marketplace.order.shipped.v1',
        'marketplace.order.completed.v1',
      ]);
    }
    recordResult(`partner-interop client=${client} kafka=${sys.kafka.source} records=${records.length} orders=${orderIds.length} problems=0`);
  };

  /** The group's committed offsets equal the end of every partition: the client committed what it read. */
  const expectCommittedToEnd = async (groupId: string) => {
    const admin = new Kafka({ brokers: sys.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      for (const topic of TOPICS) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        // An empty partition has no commit (-1) from librdkafka and 0 from the Java client.
        const at = (partition: number) => Math.max(0, Number(committed!.partitions.find((c) => c.partition === partition)?.offset ?? -1));
        for (const p of ends)
          expect({ topic, partition: p.partition, committed: at(p.partition) }).toEqual({ topic, partition: p.partition, committed: Number(p.high) });
      }
    } finally {
      await admin.disconnect();
    }
  };

  itKcat(
    'kcat -G (librdkafka): keys, CloudEvents headers, schema-valid JSON, per-order order; offsets committed',
    async () => {
      const r = await kcat(['-b', brokers(), '-G', 'partner-kcat', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-J', ...TOPICS], undefined, 60_000);
      expect(r.code).toBe(0);
      const records = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { topic: string; partition: number; offset: number; key: string | null; payload: string | null; headers?: string[] })
        .map((j): PartnerRecord => {
          const pairs = j.headers ?? [];
          const headers: Record<string, string | null> = {};
          for (let i = 0; i < pairs.length; i += 2) headers[pairs[i]!] = pairs[i + 1] ?? null;
          return { topic: j.topic, partition: j.partition, offset: j.offset, key: j.key, headers, value: j.payload };
        });
      expectPartnerView('kcat', records);
      await expectCommittedToEnd('partner-kcat');
    },
    90_000,
  );

  itJava(
    'Java kafka-clients 4.1.1 consumer with its defaults: the same checks; offsets committed on close',
    async () => {
      const run = await runJavaPartner(['consume', brokers(), 'partner-java', TOPICS.join(','), String(total), '90000']);
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
      expectPartnerView(
        'java-kafka-clients',
        run.lines.map((l) => JSON.parse(l) as PartnerRecord),
      );
      await expectCommittedToEnd('partner-java');
    },
    150_000,
  );
});
