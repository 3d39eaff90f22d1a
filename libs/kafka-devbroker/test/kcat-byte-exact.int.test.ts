import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Consumer, IHeaders, Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { describeEachBroker } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor, waitFor } from './helpers/kafkajs-client';
import { itKcat, kcat, requireKcat } from './helpers/kcat';
import { storedCodecs } from './helpers/raw-client';

/** Every byte value once, in a scrambled order: not valid UTF-8, NULs included. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 167 + 13) % 256));
/**
 * Header bytes without the `=`, `,` and newline kcat's `%h` uses as separators, and without NUL:
 * kcat prints a header value as a C string, so its output stops at the first NUL (a kcat limit).
 */
const HEADER_BYTES = Buffer.from([...ALL_BYTES].filter((b) => b !== 0x3d && b !== 0x2c && b !== 0x0a && b !== 0x00));

interface Raw {
  key: Buffer | null;
  value: Buffer | null;
  headers: Buffer;
}

/** Parses kcat's `-f '%K:%k|%S:%s|%h\n'` output, where -1 lengths are nulls and bytes are raw. */
const parseRaw = (out: Buffer): Raw[] => {
  const messages: Raw[] = [];
  let i = 0;
  const length = () => {
    const colon = out.indexOf(0x3a, i);
    const n = Number(out.subarray(i, colon).toString('latin1'));
    i = colon + 1;
    return n;
  };
  const take = (n: number) => {
    if (n < 0) return null;
    const b = out.subarray(i, i + n);
    i += n;
    return b;
  };
  while (i < out.length) {
    const key = take(length());
    i++; // '|'
    const value = take(length());
    i++; // '|'
    const eol = out.indexOf(0x0a, i);
    messages.push({ key, value, headers: out.subarray(i, eol) });
    i = eol + 1;
  }
  return messages;
};

/**
 * Byte-exact round trips of binary keys, values and headers (every byte value, empty vs null), in
 * both directions and with and without gzip: what partners' clients put on a topic is exactly what
 * the other side reads, with nothing decoded or re-encoded on the way (batches are stored opaque).
 */
describeEachBroker('kcat ⇄ kafkajs byte-exact binary round trips', (suite) => {
  let admin: Admin;
  let producer: Producer;
  let dir: string;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    requireKcat();
    dir = mkdtempSync(join(tmpdir(), 'kcat-bytes-'));
    const kafka = kafkaFor(suite.broker);
    admin = kafka.admin();
    producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, compression] of [
    ['uncompressed', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
  ] as const) {
    itKcat(`kafkajs → kcat: every byte value in key, value and header; empty is not null (${name})`, async () => {
      const topic = `bin-to-kcat-${name}`;
      await createTopics(admin, [{ topic }]);
      const value = Buffer.concat([ALL_BYTES, Buffer.from(ALL_BYTES).reverse(), ALL_BYTES, Buffer.from([0, 0, 0xff])]);
      await producer.send({
        topic,
        compression,
        messages: [
          { key: ALL_BYTES, value, headers: { bin: HEADER_BYTES, empty: Buffer.alloc(0) } },
          { key: Buffer.alloc(0), value: Buffer.alloc(0) },
          { key: null, value: null },
        ],
      });
      const r = await kcat(['-b', suite.broker.brokers, '-C', '-t', topic, '-e', '-q', '-f', '%K:%k|%S:%s|%h\n']);
      expect(r.code).toBe(0);
      const got = parseRaw(r.stdoutBytes);
      expect(got).toHaveLength(3);
      expect(got[0]!.key!.equals(ALL_BYTES)).toBe(true);
      expect(got[0]!.value!.equals(value)).toBe(true);
      expect(got[0]!.headers.equals(Buffer.concat([Buffer.from('bin='), HEADER_BYTES, Buffer.from(',empty=')]))).toBe(true);
      expect(got[1]).toEqual({ key: Buffer.alloc(0), value: Buffer.alloc(0), headers: Buffer.alloc(0) });
      expect(got[2]).toEqual({ key: null, value: null, headers: Buffer.alloc(0) });
      expect(await storedCodecs(suite.broker.port, topic)).toEqual([compression]);
    });
  }

  for (const codec of ['none', 'gzip']) {
    itKcat(`kcat → kafkajs: every byte value in a value, UTF-8 key and header; empty is not null (-z ${codec})`, async () => {
      const topic = `bin-from-kcat-${codec}`;
      const big = Buffer.concat(Array.from({ length: 8 }, () => ALL_BYTES));
      const file = join(dir, `${codec}-big.bin`);
      writeFileSync(file, big);
      // A file argument is sent whole as one message, so no delimiter can split the bytes.
      const r1 = await kcat(['-b', suite.broker.brokers, '-P', '-t', topic, '-k', 'ключ ✓', '-H', 'h=ü€', '-z', codec, file]);
      expect(r1.code).toBe(0);
      // Line mode without -Z: an empty key and an empty value stay empty (length 0), not null.
      const r2 = await kcat(['-b', suite.broker.brokers, '-P', '-t', topic, '-K', ':', '-z', codec], ':\n');
      expect(r2.code).toBe(0);
      const consumer = kafkaFor(suite.broker).consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100 });
      consumers.push(consumer);
      const seen: { key: Buffer | null; value: Buffer | null; headers: IHeaders }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push({ key: message.key, value: message.value, headers: message.headers ?? {} }) });
      await waitFor(() => seen.length === 2, 15_000, 'two messages');
      expect(seen[0]!.key?.equals(Buffer.from('ключ ✓'))).toBe(true);
      expect(seen[0]!.value?.equals(big)).toBe(true);
      expect(Buffer.isBuffer(seen[0]!.headers.h) && seen[0]!.headers.h.equals(Buffer.from('ü€'))).toBe(true);
      expect(seen[1]).toEqual({ key: Buffer.alloc(0), value: Buffer.alloc(0), headers: {} });
      // The big message's batch went through compressed. (librdkafka sends a batch uncompressed
      // when gzip would not make it smaller, as for the empty message: its codec is not checked.)
      expect((await storedCodecs(suite.broker.port, topic))[0]).toBe(codec === 'gzip' ? 1 : 0);
    });
  }
});
