// The partners' reference receiver for webhooks (N4): verify, refuse stale/replayed/forged, then handle.
export {
  verifyDelivery,
  parseSignatureHeader,
  safeEqual,
  DEFAULT_TOLERANCE_SECONDS,
  type VerifiedDelivery,
  type Verdict,
  type VerifyInput,
  type RefusalReason,
  type HeaderBag,
} from './verify';
export { memorySeenStore, SeenStoreFullError, type SeenStore, type SeenState } from './seen-store';
export { createReferenceReceiver, receiverLogger, RECEIVER_REDACT_PATHS, type ReceiverOptions } from './receiver';
export { configFromEnv, type ReceiverConfig } from './config';
