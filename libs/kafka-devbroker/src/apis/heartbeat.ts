import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** Heartbeat (12) v0–3. */
export const heartbeatApi: ApiHandler = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  handle({ broker }, r, v) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    if (v >= 3) r.nullableString(); // group_instance_id
    const w = new Writer(16);
    if (v >= 1) w.int32(0);
    return w.int16(broker.groups.heartbeat(groupId, generationId, memberId));
  },
};
