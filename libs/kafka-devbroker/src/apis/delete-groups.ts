import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** DeleteGroups (42) v0–1: only groups without members; also drops their committed offsets. */
export const deleteGroupsApi: ApiHandler = {
  key: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 1,
  handle({ broker }, r) {
    const ids = r.array((x) => x.string());
    return new Writer(64).int32(0).array(ids, (w, id) => w.string(id).int16(broker.groups.deleteGroup(id)));
  },
};
