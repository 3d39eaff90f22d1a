import { createConsumerRunner, type KafkaClient, type MessageConsumer } from '@bp/messaging';
import type { Pool } from 'pg';
import { silentLogger, testEvents } from './support/fixtures';

/**
 * The consumer runner's watchdog (issue 16, seen on the 3-node cluster under kill -9): a group member
 * that shows no sign of life, or that its client gave up on, is replaced by a new member, so a
 * service never sits healthy while consuming nothing.
 */
interface FakeMember {
  alive(): void;
  crash(restarting: boolean): void;
  disconnected: boolean;
}

const fakeKafka = () => {
  const members: FakeMember[] = [];
  const kafka: KafkaClient = {
    producer: () => ({ connect: async () => {}, disconnect: async () => {}, send: async () => {}, sendBatch: async () => {} }),
    admin: () => {
      throw new Error('no admin in this test');
    },
    consumer: (): MessageConsumer => {
      let alive: () => void = () => {};
      let crash: (e: Error, r: boolean) => void = () => {};
      const m: FakeMember = { alive: () => alive(), crash: (r) => crash(new Error('boom'), r), disconnected: false };
      members.push(m);
      return {
        connect: async () => {},
        disconnect: async () => void (m.disconnected = true),
        subscribe: async () => {},
        run: async () => {},
        onAlive: (l) => void (alive = l),
        onCrash: (l) => void (crash = l),
        onMembership: () => {},
      };
    },
  };
  return { kafka, members };
};

const until = async (check: () => boolean, what: string) => {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('consumer runner watchdog', () => {
  const { registry, topics } = testEvents();
  const runner = (kafka: KafkaClient, stallRestartMs: number) =>
    createConsumerRunner({
      kafka,
      groupId: 'g',
      topics: [topics.orders],
      registry,
      pool: {} as Pool,
      schema: 's',
      logger: silentLogger,
      handlers: {},
      provisionTopics: false,
      stallRestartMs,
    });

  it('replaces a member that shows no sign of life for stallRestartMs, and disconnects the old one', async () => {
    const { kafka, members } = fakeKafka();
    const r = runner(kafka, 100);
    await r.start();
    await until(() => members.length === 2, 'a second member');
    expect(members[0]!.disconnected).toBe(true);
    await r.stop();
  });

  it('keeps a member that keeps showing signs of life', async () => {
    const { kafka, members } = fakeKafka();
    const r = runner(kafka, 200);
    await r.start();
    const beat = setInterval(() => members.at(-1)!.alive(), 20);
    await new Promise((res) => setTimeout(res, 600));
    clearInterval(beat);
    expect(members).toHaveLength(1);
    await r.stop();
  });

  it('replaces a member its client gave up on, not one it restarts itself', async () => {
    const { kafka, members } = fakeKafka();
    const r = runner(kafka, 60_000);
    await r.start();
    members[0]!.crash(true);
    await new Promise((res) => setTimeout(res, 50));
    expect(members).toHaveLength(1);
    members[0]!.crash(false);
    await until(() => members.length === 2, 'a second member');
    await r.stop();
    expect(members[1]!.disconnected).toBe(true);
  });
});
