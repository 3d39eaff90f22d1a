import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** SyncGroup (14) v0–3; followers wait until the leader sends the assignments. */
export const syncGroupApi: ApiHandler = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  async handle({ broker }, r, v) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    if (v >= 3) r.nullableString(); // group_instance_id
    const assignments = r.array((x) => ({ memberId: x.string(), assignment: x.bytes() }));
    const res = await broker.groups.sync(groupId, generationId, memberId, assignments);
    const w = new Writer(64);
    if (v >= 1) w.int32(0);
    return w.int16(res.error).bytes(res.assignment);
  },
};
