import { PermanentError, createConsumerRunner, on, toKafkaMessage } from '@bp/messaging';
import fc from 'fast-check';
import type { Pool } from 'pg';
import { fakeKafka, received } from './support/fake-kafka';
import { envelope, silentLogger, testEvents } from './support/fixtures';

/**
 * Issue 18 item 4: a partition's batch applied in shared transactions must keep every guarantee of
 * the one-transaction-per-message runner, whatever fails where: each event's effect committed once
 * (none when it is dead-lettered), in offset order, one outcome per message with its true attempt
 * count, every offset resolved in order, a redelivered record applied once.
 */
const { registry, topics, OrderThing } = testEvents();

/** PostgreSQL as the runner uses it: BEGIN, the inbox statement, the handlers' writes, COMMIT or ROLLBACK. */
const transactionalDb = () => {
  const inbox = new Set<string>();
  const effects: string[] = [];
  let commits = 0;
  const connect = async () => {
    let tx: { inbox: string[]; effects: string[] } | undefined;
    const query = async (sql: string, params: unknown[] = []) => {
      if (sql === 'BEGIN') tx = { inbox: [], effects: [] };
      else if (sql === 'COMMIT') {
        for (const id of tx!.inbox) inbox.add(id);
        effects.push(...tx!.effects);
        commits++;
        tx = undefined;
        return { command: 'COMMIT', rows: [] };
      } else if (sql === 'ROLLBACK') tx = undefined;
      else if (sql.startsWith('INSERT INTO') && sql.includes('.inbox')) {
        const fresh = (params[0] as string[]).filter((id) => !inbox.has(id) && !tx!.inbox.includes(id) && tx!.inbox.push(id));
        return { rows: fresh.map((id) => ({ event_id: id })) };
      } else if (sql.startsWith('DELETE') && sql.includes('.inbox')) tx!.inbox = tx!.inbox.filter((id) => !(params[0] as string[]).includes(id));
      else if (sql === 'EFFECT') tx!.effects.push(params[0] as string);
      else throw new Error(`unexpected statement ${sql}`);
      return { command: sql.split(' ')[0], rows: [] };
    };
    return { query, release: () => {} };
  };
  return { pool: { connect } as unknown as Pool, inbox, effects, commits: () => commits };
};

const ATTEMPTS = 3;
/** How an event's handler behaves: fails this many times first (transiently), or refuses for good. */
const behaviour = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: ATTEMPTS + 1 }), fc.constant('permanent' as const));

describe('a batch applied in shared transactions (property)', () => {
  it('each event applied once or dead-lettered, in order, with its true attempts; redeliveries in the batch are duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ fails: behaviour, redelivered: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 8 }),
        // 0 ms: every transaction runs out of time after its first message (the rest's inbox rows are taken back).
        fc.constantFrom(0, 60_000),
        async (plan, perTransaction, budgetMs) => {
          const events = plan.map((_, i) => envelope('OrderThing', { orderId: 'o-prop', seq: i + 1, note: 'n' }));
          const left = new Map(plan.map((p, i) => [events[i]!.id, p.fails]));
          // A record sent again right after itself (a producer retry): only for one that never fails,
          // whose second copy must then be a duplicate.
          const records = plan.flatMap((p, i) => (p.redelivered && p.fails === 0 ? [events[i]!, events[i]!] : [events[i]!]));
          const db = transactionalDb();
          const broker = fakeKafka(topics.orders);
          const outcomes: { offset: string; outcome: string; attempts: number; eventId?: string | undefined }[] = [];
          const runner = createConsumerRunner({
            kafka: broker.kafka,
            groupId: 'g',
            topics: [topics.orders],
            registry,
            pool: db.pool,
            schema: 's',
            logger: silentLogger,
            provisionTopics: false,
            retry: { attempts: ATTEMPTS, backoffMs: 0 },
            maxMessagesPerTransaction: perTransaction,
            maxTransactionMs: budgetMs,
            onOutcome: (r) => void outcomes.push({ offset: r.offset, outcome: r.outcome, attempts: r.attempts, eventId: r.eventId }),
            handlers: on(OrderThing, async (tx, e) => {
              await tx.query('EFFECT', [e.id]);
              const f = left.get(e.id)!;
              if (f === 'permanent') throw new PermanentError('refused');
              if (f > 0) {
                left.set(e.id, f - 1);
                throw new Error('deadlock detected (transient)');
              }
            }),
          });
          await runner.start();
          await broker.deliver(records.map((e, i) => received(toKafkaMessage(e, OrderThing, 'order').message, String(i))));
          await runner.stop();

          const lands = (p: (typeof plan)[number]) => p.fails !== 'permanent' && p.fails < ATTEMPTS;
          expect(db.effects).toEqual(events.filter((_, i) => lands(plan[i]!)).map((e) => e.id));
          const expected = plan.flatMap((p, i) => {
            const first = lands(p)
              ? { outcome: 'handled', attempts: (p.fails as number) + 1 }
              : { outcome: 'dead-lettered', attempts: p.fails === 'permanent' ? 1 : ATTEMPTS };
            const once = { ...first, eventId: events[i]!.id };
            return p.redelivered && p.fails === 0 ? [once, { outcome: 'duplicate', attempts: 1, eventId: events[i]!.id }] : [once];
          });
          expect(outcomes.map(({ offset: _, ...o }) => o)).toEqual(expected);
          expect(outcomes.map((o) => o.offset)).toEqual(records.map((_, i) => String(i)));
          expect(broker.resolved).toEqual(records.map((_, i) => String(i)));
          expect(broker.sent.length).toBe(plan.filter((p) => !lands(p)).length);
          // Shared transactions: with nothing failing, one commit per `perTransaction` messages.
          if (plan.every((p) => p.fails === 0)) expect(db.commits()).toBe(budgetMs === 0 ? records.length : Math.ceil(records.length / perTransaction));
        },
      ),
      { numRuns: 150 },
    );
  });
});
