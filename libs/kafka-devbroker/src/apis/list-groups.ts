import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** ListGroups (16) v0–2. */
export const listGroupsApi: ApiHandler = {
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  handle({ broker }, _r, v) {
    const w = new Writer(128);
    if (v >= 1) w.int32(0);
    return w.int16(ErrorCode.NONE).array(broker.groups.list(), (w2, g) => w2.string(g.groupId).string(g.protocolType));
  },
};
