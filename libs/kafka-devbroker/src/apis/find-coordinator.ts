import { NODE_ID } from '../broker';
import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** FindCoordinator (10) v0–2: this node coordinates every group. */
export const findCoordinatorApi: ApiHandler = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  handle({ broker }, r, v) {
    r.string(); // key
    if (v >= 1) r.int8(); // key_type
    const w = new Writer(64);
    if (v >= 1) w.int32(0);
    w.int16(ErrorCode.NONE);
    if (v >= 1) w.nullableString(null);
    return w.int32(NODE_ID).string(broker.config.advertisedHost).int32(broker.port);
  },
};
