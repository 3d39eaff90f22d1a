import { randomUUID } from 'node:crypto';
import { type EventStore, START } from '@bp/eventstore';
import { createRelay, type MessageProducer, notifyRelay, type OutgoingMessage, type Relay, type RelayOptions } from '@bp/messaging';
import { testDatabase, type TestDatabase } from '@bp/testing';
import { meta, migratedStore, silentLogger, testEvents, until } from './support/fixtures';

/**
 * The relay against Postgres with a recording producer: what is sent, in which batches and order,
 * and what happens around crashes, concurrent instances and concurrent writers. (The Kafka side is
 * covered by relay-consumer*.int.test.ts.)
 */
const recordingProducer = () => {
  const batches: { topic: string; messages: OutgoingMessage[] }[][] = [];
  let connected = 0;
  const producer: MessageProducer = {
    connect: async () => void connected++,
    disconnect: async () => void connected--,
    sendBatch: async (b) => {
      batches.push(b.topicMessages.map((t) => ({ topic: t.topic, messages: [...t.messages] })));
      if (b.acks !== -1) throw new Error('relay must send with acks=-1');
    },
    send: async () => {
      throw new Error('the relay sends batches only');
    },
  };
  const sent = () =>
    batches
      .flat()
      .flatMap((t) => t.messages.map((m) => ({ topic: t.topic, key: String(m.key), id: String(m.headers?.ce_id), data: JSON.parse(String(m.value)) })));
  return { producer, batches, sent, connected: () => connected };
};

describe('outbox relay (Postgres side)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let ev: ReturnType<typeof testEvents>;
  const relays: Relay[] = [];
  const relay = (producer: MessageProducer, over: Partial<RelayOptions> = {}) => {
    const r = createRelay({ store, registry: ev.registry, producer: () => producer, service: 'order', logger: silentLogger, batchSize: 2, ...over });
    relays.push(r);
    return r;
  };
  const append = (streamId: string, events: { type: string; data: unknown }[], expected = 0) =>
    store.appendToStream(db.pool, streamId, expected, events, meta());
  const thing = (orderId: string, seq: number) => ({ type: 'OrderThing', data: { orderId, seq, note: 'n' } });
  /** Drains until `n` were published (other tests' transactions may hold the horizon back). */
  const drainUntil = async (r: Relay, n: number) => {
    let total = 0;
    await until(`${n} published`, async () => (total += await r.drain()) >= n);
    return total;
  };

  beforeEach(async () => {
    db = await testDatabase('msg_relay');
    ev = testEvents();
    store = await migratedStore(db.pool, db.schema, ev.registry);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await db.close();
  });

  it('sends each readAll page as one batch, in commit order, public events only, keyed by their definition', async () => {
    const rec = recordingProducer();
    await append('order-1', [thing('o-1', 1), { type: 'PrivateThing', data: { orderId: 'o-1' } }, thing('o-1', 2)]);
    await append('buyer-1', [{ type: 'BuyerThing', data: { buyerId: 'b-1', orderId: 'o-1' } }]);
    await append('order-2', [thing('o-2', 3)]);
    expect(await drainUntil(relay(rec.producer), 4)).toBe(4);
    expect(rec.batches.map((b) => b.reduce((n, t) => n + t.messages.length, 0))).toEqual([2, 2]);
    expect(rec.sent().map((m) => [m.topic, m.key])).toEqual([
      [ev.topics.orders, 'o-1'],
      [ev.topics.orders, 'o-1'],
      [ev.topics.buyers, 'b-1'],
      [ev.topics.orders, 'o-2'],
    ]);
    expect(
      rec
        .sent()
        .filter((m) => m.topic === ev.topics.orders)
        .map((m) => m.data.seq),
    ).toEqual([1, 2, 3]);
  });

  it('resumes from the durable checkpoint: a crash after a send re-sends that page only', async () => {
    for (let i = 1; i <= 5; i++) await append(`order-${i}`, [thing(`o-${i}`, i)]);
    // Pages must be deterministic here: wait until other transactions on the server let all 5 show.
    await until('5 visible', async () => (await store.readAll({ after: START, limit: 10 })).events.length === 5);
    const first = recordingProducer();
    let steps = 0;
    const crashing = relay(first.producer, {
      faults: {
        afterSend: () => {
          if (++steps === 2) throw new Error('crash after the second send');
        },
      },
    });
    await expect(crashing.drain()).rejects.toThrow('crash after the second send');
    await crashing.stop();
    expect(first.batches.map((b) => b.flatMap((t) => t.messages).length)).toEqual([2, 2]);

    const second = recordingProducer();
    expect(await drainUntil(relay(second.producer), 3)).toBe(3);
    // [1,2] was checkpointed: never again. [3,4] was sent but not checkpointed: again, then [5].
    expect(second.sent().map((m) => m.data.seq)).toEqual([3, 4, 5]);
  });

  it('a retry in the same instance restarts from the checkpoint, not from its read-ahead', async () => {
    for (let i = 1; i <= 5; i++) await append(`order-${i}`, [thing(`o-${i}`, i)]);
    await until('5 visible', async () => (await store.readAll({ after: START, limit: 10 })).events.length === 5);
    const rec = recordingProducer();
    let steps = 0;
    const r = relay(rec.producer, {
      faults: {
        afterSend: () => {
          if (++steps === 2) throw new Error('transient');
        },
      },
    });
    await expect(r.drain()).rejects.toThrow('transient'); // sent [1,2] (checkpointed), [3,4] (not); read ahead [5]
    expect(await drainUntil(r, 3)).toBe(3);
    expect(rec.sent().map((m) => m.data.seq)).toEqual([1, 2, 3, 4, 3, 4, 5]);
  });

  it('one instance publishes at a time: two relays on the same checkpoint never send an event twice', async () => {
    const [a, b] = [recordingProducer(), recordingProducer()];
    const ra = relay(a.producer);
    const rb = relay(b.producer);
    for (let i = 1; i <= 40; i++) await append(`order-${i}`, [thing(`o-${i}`, i)]);
    let total = 0;
    await until('40 published', async () => {
      const [x, y] = await Promise.all([ra.drain(), rb.drain()]);
      total += x + y;
      return total >= 40;
    });
    const ids = [...a.sent(), ...b.sent()].map((m) => m.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it('never skips or repeats under concurrent writers with random commit delays (the in-flight gap)', async () => {
    const rec = recordingProducer();
    const r = relay(rec.producer, { batchSize: 7, pollIntervalMs: 5 });
    await r.start();
    const writers = 6;
    const perWriter = 25;
    const expected: string[] = [];
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let k = 0; k < perWriter; k++) {
          await store.withTransaction(async (tx) => {
            const [e] = await store.appendToStream(tx, `w${w}-${k}`, 0, [thing(`o-${w}`, w * 1000 + k)], meta());
            // Hold the transaction open a random while after its insert: later ones commit first.
            await new Promise((res) => setTimeout(res, Math.random() * 15));
            expected.push(e!.id);
          });
        }
      }),
    );
    await until('all published', () => rec.sent().length >= writers * perWriter);
    await r.stop();
    const ids = rec.sent().map((m) => m.id);
    expect(ids).toHaveLength(writers * perWriter);
    expect(new Set(ids)).toEqual(new Set(expected));
    // Per key (one writer = one order id) the commit order is kept.
    for (let w = 0; w < writers; w++) {
      const seqs = rec
        .sent()
        .filter((m) => m.key === `o-${w}`)
        .map((m) => m.data.seq as number);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
  });

  it('start() publishes in the background; stop() finishes and disconnects', async () => {
    const rec = recordingProducer();
    const r = relay(rec.producer, { pollIntervalMs: 10 });
    await r.start();
    await append(`order-${randomUUID()}`, [thing('o-bg', 1)]);
    await until('background publish', () => rec.sent().length === 1);
    await r.stop();
    expect(rec.connected()).toBe(0);
  });

  it('LISTEN/NOTIFY: a writer notify wakes an idle relay long before its next poll', async () => {
    const rec = recordingProducer();
    const channel = `relay_${ev.tag}`;
    let steps = 0;
    const r = relay(rec.producer, { listen: channel, pollIntervalMs: 600_000, faults: { afterSend: () => void steps++ } });
    await r.start();
    await until('the first (empty) drain: the loop is idle for 10 minutes now', () => steps >= 1);
    await store.withTransaction(async (tx) => {
      await store.appendToStream(tx, 'order-n', 0, [thing('o-n', 1)], meta());
      await notifyRelay(tx, channel); // delivered at COMMIT
    });
    // Re-notify while waiting: another transaction on the server may hide the event at first.
    await until(
      'a notified publish',
      async () => {
        if (rec.sent().length === 1) return true;
        await notifyRelay(db.pool, channel);
        return false;
      },
      10_000,
    );
    expect(() =>
      createRelay({ store, registry: ev.registry, producer: () => rec.producer, service: 'x', logger: silentLogger, listen: 'bad channel' }),
    ).toThrow(/channel/);
  });

  it('a notified event held behind an older open transaction is published soon after it ends, not at the next poll', async () => {
    const rec = recordingProducer();
    const channel = `relay_held_${ev.tag}`;
    let steps = 0;
    const r = relay(rec.producer, { listen: channel, pollIntervalMs: 600_000, faults: { afterSend: () => void steps++ } });
    await r.start();
    await until('the first (empty) drain', () => steps >= 1);
    const older = await db.pool.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()'); // holds the horizon back from here on
      await store.withTransaction(async (tx) => {
        await store.appendToStream(tx, `order-${randomUUID()}`, 0, [thing('o-held', 1)], meta());
        await notifyRelay(tx, channel);
      });
      await new Promise((res) => setTimeout(res, 300));
      expect(rec.sent()).toHaveLength(0); // woken, but the event is not safe to publish yet
      await older.query('COMMIT');
      // No other notify: the relay looks again by itself (other suites' transactions may delay it).
      await until('the held event published', () => rec.sent().length === 1, 10_000);
    } finally {
      await older.query('ROLLBACK').catch(() => {});
      older.release();
    }
  });
});
