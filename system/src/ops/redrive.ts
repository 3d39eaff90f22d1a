import { DltHeaders, kafkaFromEnv, originalHeaders } from '@bp/messaging';
import type { OpsContext } from './context';
import { type DeadLetter, REDRIVEN_HEADER, deadLetters, dltPosition } from './dead-letters';

/** A letter's place in the dead-letter topic: `<offset>`, or `<partition>:<offset>` when it has several partitions. */
export interface DltSelector {
  partition?: number;
  offset: string;
}

export const parseDltSelector = (s: string): DltSelector | undefined => {
  const m = /^(?:(\d+):)?(\d+)$/.exec(s);
  if (!m) return undefined;
  return m[1] === undefined ? { offset: m[2]! } : { partition: Number(m[1]), offset: m[2]! };
};

const pick = (letters: DeadLetter[], group: string, s: DltSelector): DeadLetter => {
  const found = letters.filter((l) => l.offset === s.offset && (s.partition === undefined || l.partition === s.partition));
  const at = s.partition === undefined ? s.offset : `${s.partition}:${s.offset}`;
  if (!found.length) throw new Error(`no dead letter at ${at} of ${group}`);
  if (found.length > 1) throw new Error(`offset ${at} is in several partitions of ${group}'s dead-letter topic: give <partition>:<offset>`);
  return found[0]!;
};

export interface RedriveResult {
  sent: DeadLetter[];
  alreadyRedriven: DeadLetter[];
}

/**
 * `redrive <group> --offset …|--all`: re-sends dead letters to their original topic with their
 * original key, value and headers minus the dlt_* ones (same ce_id, so a consumer that did apply it
 * dedupes), in dead-letter order, so one order's letters keep their order.
 *
 * What was redriven is recorded in the dead-letter topic itself: after each send, a marker record
 * (no key or value; header dlt_redriven_offset = the letter's offset) in the letter's partition.
 * The record lives and dies with the letters it describes (no table to drift from a wiped or other
 * broker) and the listing reads it in the same pass. A crash between send and marker, or two
 * redrives at once, can send a letter twice: harmless, consumers dedupe by ce_id. A letter that
 * dies again comes back as a new dead letter, at a new offset.
 */
export const redrive = async (ctx: OpsContext, group: string, selection: 'all' | DltSelector[]): Promise<RedriveResult> => {
  const letters = await deadLetters(ctx, group);
  const chosen = selection === 'all' ? letters : [...new Set(selection.map((s) => pick(letters, group, s)))];
  const todo = chosen.filter((l) => !l.redriven);
  // Checked before sending anything: a partial redrive would be harder to reason about.
  const orphan = todo.find((l) => !l.originalTopic);
  if (orphan) throw new Error(`dead letter ${dltPosition(orphan)} of ${group} has no ${DltHeaders.originalTopic} header: not redrivable`);
  if (todo.length) {
    const kafka = kafkaFromEnv({ clientId: 'ops-redrive', logger: ctx.logger, env: ctx.env });
    const producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (const l of todo) {
        const { key, value, headers } = l.message;
        await producer.send({ topic: l.originalTopic!, acks: -1, messages: [{ key, value, headers: originalHeaders(headers) }] });
        await producer.send({
          topic: l.dltTopic,
          acks: -1,
          messages: [{ partition: l.partition, key: null, value: null, headers: { [REDRIVEN_HEADER]: l.offset } }],
        });
      }
    } finally {
      await producer.disconnect();
    }
  }
  return { sent: todo, alreadyRedriven: chosen.filter((l) => l.redriven) };
};

export const printRedrive = (ctx: OpsContext, group: string, r: RedriveResult): void => {
  for (const l of r.sent) ctx.out(`sent dlt ${dltPosition(l)} to ${l.originalTopic}  key ${l.key ?? '-'}  ce_id ${l.ceId ?? '-'} ${l.ceType ?? '-'}`);
  for (const l of r.alreadyRedriven) ctx.out(`skipped dlt ${dltPosition(l)}: already redriven`);
  ctx.out(`redrove ${r.sent.length} dead letter(s) of ${group}${r.alreadyRedriven.length ? `; ${r.alreadyRedriven.length} already redriven` : ''}`);
};
