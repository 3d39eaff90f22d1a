/**
 * A kafkajs group member run as a child process, so a test can SIGKILL it: a dead process sends
 * no LeaveGroup and no more heartbeats, which only a separate process can show (disconnect() in
 * the test's own process would leave cleanly). Commits each message's offset right after
 * consuming it, so the parent knows exactly what a successor must not replay.
 *
 * Usage: node --require ./tools/swc-register.js <this file> <brokers> <groupId> <topic> <sessionTimeoutMs>
 * Prints one JSON line per event on stdout: {"event":"join","partitions":[..]} and
 * {"event":"committed","partition":p,"offset":o,"value":v}.
 */
import { Kafka, logLevel } from 'kafkajs';

const [brokers, groupId, topic, sessionTimeout] = process.argv.slice(2);
if (!brokers || !groupId || !topic || !sessionTimeout) {
  console.error('usage: kafkajs-member <brokers> <groupId> <topic> <sessionTimeoutMs>');
  process.exit(2);
}
const emit = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

const main = async (): Promise<void> => {
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'devbroker-child', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 300, maxWaitTimeInMs: 100, rebalanceTimeout: 5000 });
  consumer.on(consumer.events.GROUP_JOIN, (e) =>
    emit({ event: 'join', partitions: [...((e.payload.memberAssignment as Record<string, number[]>)[topic] ?? [])].sort() }),
  );
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const next = String(Number(message.offset) + 1);
      await consumer.commitOffsets([{ topic, partition, offset: next }]);
      emit({ event: 'committed', partition, offset: Number(message.offset), value: message.value?.toString() ?? null });
    },
  });
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
