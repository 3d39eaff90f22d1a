import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

export const API_VERSIONS_KEY = 18;
const MAX_VERSION = 3;

export interface VersionRange {
  key: number;
  min: number;
  max: number;
}

/**
 * The v0 body answered to an ApiVersions version we do not know: error 35 and our own range, so
 * the client retries with a version we speak.
 */
export const unsupportedApiVersionsBody = (): Writer =>
  new Writer()
    .int16(ErrorCode.UNSUPPORTED_VERSION)
    .array([{ key: API_VERSIONS_KEY, min: 0, max: MAX_VERSION }], (w, a) => w.int16(a.key).int16(a.min).int16(a.max));

/** ApiVersions (18) v0–3; v3 is flexible but its response never carries header tags. */
export const apiVersionsApi = (ranges: () => VersionRange[]): ApiHandler => ({
  key: API_VERSIONS_KEY,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: MAX_VERSION,
  flexibleFrom: 3,
  handle(_ctx, r, v) {
    if (v >= 3) {
      r.compactNullableString(); // client_software_name
      r.compactNullableString(); // client_software_version
      r.taggedFields();
    }
    const w = new Writer().int16(ErrorCode.NONE);
    const list = ranges();
    if (v >= 3) w.compactArray(list, (w2, a) => w2.int16(a.key).int16(a.min).int16(a.max).emptyTags());
    else w.array(list, (w2, a) => w2.int16(a.key).int16(a.min).int16(a.max));
    if (v >= 1) w.int32(0);
    if (v >= 3) w.emptyTags();
    return w;
  },
});
