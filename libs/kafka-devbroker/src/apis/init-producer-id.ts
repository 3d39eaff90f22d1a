import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** InitProducerId (22) v0–1: idempotent producers only (no transactions), epoch 0. */
export const initProducerIdApi: ApiHandler = {
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  handle({ broker }, r) {
    const transactionalId = r.nullableString();
    r.int32(); // transaction_timeout_ms
    const w = new Writer(32).int32(0);
    if (transactionalId !== null) return w.int16(ErrorCode.UNSUPPORTED_VERSION).int64(-1).int16(-1);
    return w.int16(ErrorCode.NONE).int64(broker.producerIds.allocate()).int16(0);
  },
};
