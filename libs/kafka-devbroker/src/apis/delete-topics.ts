import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** DeleteTopics (20) v0–1: removes the log files and the topic's committed offsets. */
export const deleteTopicsApi: ApiHandler = {
  key: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 1,
  handle({ broker }, r, v) {
    const names = r.array((x) => x.string());
    r.int32(); // timeout_ms
    const w = new Writer(64);
    if (v >= 1) w.int32(0);
    return w.array(names, (w2, name) => w2.string(name).int16(broker.deleteTopic(name) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
  },
};
