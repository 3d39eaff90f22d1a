import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** LeaveGroup (13) v0–3: v0–2 name one member, v3 a members[] array with per-member errors. */
export const leaveGroupApi: ApiHandler = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  handle({ broker }, r, v) {
    const groupId = r.string();
    const w = new Writer(64);
    if (v >= 1) w.int32(0);
    if (v < 3) return w.int16(broker.groups.leave(groupId, [r.string()])[0] ?? ErrorCode.NONE);
    const members = r.array((x) => ({ memberId: x.string(), groupInstanceId: x.nullableString() }));
    const errors = broker.groups.leave(
      groupId,
      members.map((m) => m.memberId),
    );
    w.int16(ErrorCode.NONE);
    return w.array(members, (w2, m) => {
      const i = members.indexOf(m);
      w2.string(m.memberId)
        .nullableString(m.groupInstanceId)
        .int16(errors[i] ?? ErrorCode.NONE);
    });
  },
};
