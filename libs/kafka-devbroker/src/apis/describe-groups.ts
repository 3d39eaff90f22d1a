import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** DescribeGroups (15) v0–2; an unknown group is "Dead" with error 0. */
export const describeGroupsApi: ApiHandler = {
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 2,
  handle({ broker }, r, v) {
    const groups = r.array((x) => x.string()).map((id) => broker.groups.describe(id));
    const w = new Writer(256);
    if (v >= 1) w.int32(0);
    return w.array(groups, (w2, g) => {
      w2.int16(ErrorCode.NONE).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocolName);
      w2.array(g.members, (w3, m) => w3.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment));
    });
  },
};
