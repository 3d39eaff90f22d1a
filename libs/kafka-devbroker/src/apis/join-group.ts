import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** JoinGroup (11) v0–5; the response waits at the group's join barrier. */
export const joinGroupApi: ApiHandler = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle({ broker, header, clientHost }, r, v) {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
    const memberId = r.string();
    const groupInstanceId = v >= 5 ? r.nullableString() : null;
    const protocolType = r.string();
    const protocols = r.array((x) => ({ name: x.string(), metadata: Buffer.from(x.bytes()) }));
    const res = await broker.groups.join({
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId,
      groupInstanceId,
      protocolType,
      protocols,
      clientId: header.clientId,
      clientHost,
      requireKnownMemberId: v >= 4,
    });
    const w = new Writer(256);
    if (v >= 2) w.int32(0);
    w.int16(res.error).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
    w.array(res.members, (w2, m) => {
      w2.string(m.memberId);
      if (v >= 5) w2.nullableString(m.groupInstanceId);
      w2.bytes(m.metadata);
    });
    return w;
  },
};
