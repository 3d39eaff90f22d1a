import { randomUUID } from 'node:crypto';
import { ConsumerGroups, deadLetterTopic } from '@bp/contracts';
import { CeHeaders, DltHeaders, type KafkaClient, kafkaFromEnv, type MessageAdmin, type MessageHeaders, type WireMessage } from '@bp/messaging';
import type { OpsContext } from './context';
import { topicOffsets } from './topic-offsets';

const DLT_SUFFIX = deadLetterTopic('');
/** How long reading the dead-letter topics up to their snapshotted ends may take. */
const READ_TIMEOUT_MS = 60_000;
const ERROR_SHOWN = 160;

/**
 * Header of the marker record `redrive` appends to a dead-letter partition once it re-sent a letter:
 * the letter's offset there. Markers are not dead letters; they make a letter `redriven`.
 */
export const REDRIVEN_HEADER = 'dlt_redriven_offset';

export interface DeadLetter {
  group: string;
  dltTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  originalTopic: string | undefined;
  originalPartition: string | undefined;
  originalOffset: string | undefined;
  attempts: string | undefined;
  error: string | undefined;
  ceId: string | undefined;
  ceType: string | undefined;
  redriven: boolean;
  /** The record as it sits in the dead-letter topic (key, value, headers), for a redrive. */
  message: WireMessage;
}

interface DltRecord {
  topic: string;
  partition: number;
  message: WireMessage;
}

const header = (headers: MessageHeaders | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  return (Array.isArray(v) ? v[0] : v)?.toString();
};

/** A letter's place in its dead-letter topic, as `dead-letters` prints it and `redrive --offset` takes it. */
export const dltPosition = (l: Pick<DeadLetter, 'partition' | 'offset'>): string => `${l.partition}:${l.offset}`;

/** Every group's dead-letter topic on the broker (groups with another name than the services', e.g. suffixed ones, too), or the one group's. */
const dltTopics = async (admin: MessageAdmin, group: string | undefined): Promise<string[]> => {
  // Listed, not asked for by name: a metadata request for a missing topic would auto-create it.
  const existing = (await admin.listTopics()).filter((t) => t.endsWith(DLT_SUFFIX)).sort();
  if (group === undefined) return existing;
  const topic = deadLetterTopic(group);
  if (existing.includes(topic)) return [topic];
  // A typo ('order' for 'order-service') would otherwise read as "no dead letters".
  const services: string[] = Object.values(ConsumerGroups);
  if (!services.includes(group)) throw new Error(`no topic ${topic}: ${group} never dead-lettered and is no service's group (${services.join(', ')})`);
  return [];
};

/**
 * Every record of `topics` up to the end each partition had when called. A consumer in a throwaway
 * group (deleted after) reads from the earliest offset and never commits: the services' groups and
 * offsets are not touched.
 */
const readToEnd = async (kafka: KafkaClient, admin: MessageAdmin, topics: string[]): Promise<DltRecord[]> => {
  const ends = new Map<string, bigint>();
  const nonEmpty = new Set<string>();
  for (const topic of topics)
    for (const p of await topicOffsets(admin, topic))
      if (BigInt(p.high) > BigInt(p.low)) {
        ends.set(`${topic}:${p.partition}`, BigInt(p.high));
        nonEmpty.add(topic);
      }
  if (!ends.size) return [];
  const groupId = `ops-dead-letters-${randomUUID()}`;
  const consumer = kafka.consumer(groupId, { maxWaitTimeInMs: 100 });
  const records: DltRecord[] = [];
  const pending = new Set(ends.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...nonEmpty], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${[...pending].join(', ')}`)), READ_TIMEOUT_MS);
      consumer.onCrash(reject);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const at = `${batch.topic}:${batch.partition}`;
            const end = ends.get(at);
            if (end === undefined || !pending.has(at)) return;
            for (const message of batch.messages) if (BigInt(message.offset) < end) records.push({ topic: batch.topic, partition: batch.partition, message });
            if (BigInt(batch.lastOffset()) < end - 1n) return;
            pending.delete(at);
            if (pending.size) return;
            clearTimeout(timer);
            resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
  }
  return records.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)));
};

const toDeadLetters = (records: DltRecord[]): DeadLetter[] => {
  const redriven = new Set<string>();
  for (const r of records) {
    const letterOffset = header(r.message.headers, REDRIVEN_HEADER);
    if (letterOffset !== undefined) redriven.add(`${r.topic}:${r.partition}:${letterOffset}`);
  }
  return records
    .filter((r) => header(r.message.headers, REDRIVEN_HEADER) === undefined)
    .map(({ topic, partition, message }) => {
      const h = message.headers;
      return {
        group: topic.slice(0, -DLT_SUFFIX.length),
        dltTopic: topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        originalTopic: header(h, DltHeaders.originalTopic),
        originalPartition: header(h, DltHeaders.originalPartition),
        originalOffset: header(h, DltHeaders.originalOffset),
        attempts: header(h, DltHeaders.attempts),
        error: header(h, DltHeaders.error),
        ceId: header(h, CeHeaders.id),
        ceType: header(h, CeHeaders.type),
        redriven: redriven.has(`${topic}:${partition}:${message.offset}`),
        message,
      };
    });
};

/** `dead-letters [<group>]`: the dead letters of every consumer group (or one), in DLT order. */
export const deadLetters = async (ctx: OpsContext, group?: string): Promise<DeadLetter[]> => {
  const kafka = kafkaFromEnv({ clientId: 'ops-dead-letters', logger: ctx.logger, env: ctx.env });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return toDeadLetters(await readToEnd(kafka, admin, await dltTopics(admin, group)));
  } finally {
    await admin.disconnect();
  }
};

/** One line, cut: errors can be a whole zod report or SQL statement (up to 2,000 characters). */
const shortError = (e: string | undefined): string => {
  const line = (e ?? '?').replace(/\s+/g, ' ');
  return line.length > ERROR_SHOWN ? `${line.slice(0, ERROR_SHOWN)}…` : line;
};

/** Ids and coordinates only: the value (the event's data) may hold personal data and is not shown. */
export const printDeadLetters = (ctx: OpsContext, letters: DeadLetter[]): void => {
  if (!letters.length) return ctx.out('no dead letters');
  ctx.out(`${letters.length} dead letter(s), ${letters.filter((l) => l.redriven).length} redriven`);
  for (const l of letters)
    ctx.out(
      [
        l.group,
        `dlt ${dltPosition(l)}${l.redriven ? ' (redriven)' : ''}`,
        `from ${l.originalTopic ?? '?'} p${l.originalPartition ?? '?'} @${l.originalOffset ?? '?'}`,
        `key ${l.key ?? '-'}`,
        `attempts ${l.attempts ?? '?'}`,
        `ce_id ${l.ceId ?? '-'} ${l.ceType ?? '-'}`,
        `error: ${shortError(l.error)}`,
      ].join('  '),
    );
};
