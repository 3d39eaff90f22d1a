import { z } from 'zod';
import { isIsoDuration } from './duration';

/**
 * Every duration, limit and percentage of DOMAIN.md, with its default, in one object. Services read
 * values from here (or from the order's policy snapshot), never from literals. Durations are
 * ISO-8601 (days/hours/minutes/seconds only).
 */
const Duration = z.string().refine(isIsoDuration, 'ISO-8601 duration (days, hours, minutes, seconds)');
const Level = z.enum(['A0', 'A1', 'A2', 'A3', 'A4']);

export const PolicySchema = z.object({
  order: z.object({
    /** O2: an unpaid order closes by itself after this. */
    paymentWindow: Duration.default('PT24H'),
    /** O2: default and allowed range of the shipping method's protection days. */
    protectionDaysDefault: z.number().int().default(60),
    protectionDaysMin: z.number().int().default(15),
    protectionDaysMax: z.number().int().default(90),
    /** O2, O4: seller's handling days. */
    handlingDaysDefault: z.number().int().default(7),
    handlingDaysMin: z.number().int().default(1),
    handlingDaysMax: z.number().int().default(30),
    /** O8: extensions. Seeds say "usually two weeks"; the response window is our default. */
    extensionDaysMin: z.number().int().default(1),
    extensionDaysMax: z.number().int().default(30),
    maxApprovedExtensions: z.number().int().default(2),
    extensionResponseWindow: Duration.default('P3D'),
    /**
     * O11 [002]: the buyer reviews within this after receiving the goods (receipt confirmed or delivery
     * reported, whichever is first; from completion when neither came first).
     */
    reviewWindow: Duration.default('P30D'),
    /** O11 [002]: a review not yet published by the seller's rating back or reply is published this long after it was written. */
    reviewPublishAfter: Duration.default('P30D'),
    /**
     * O11 [002]: the seller rates the buyer back (reciprocal rating) within this after the review was
     * written; "one month", like reviewPublishAfter. Added later: snapshots without it read the default.
     */
    buyerRatingWindow: Duration.default('P30D'),
    /** Limits on the order itself. */
    maxItems: z.number().int().default(100),
  }),
  dispute: z.object({
    /** D1: not before 6 days after shipment unless delivery was reported. */
    openNotBefore: Duration.default('P6D'),
    /** D4: seller response window; silence = buyer's proposal accepted. */
    sellerResponseWindow: Duration.default('P5D'),
    /**
     * D5: the whole time to agree, counted from the seller's FIRST counter-proposal (later edits and
     * counters do not restart it); when it runs out the dispute is escalated.
     */
    buyerResponseWindow: Duration.default('P15D'),
    /**
     * D10 [001]: a dispute not settled this long after opening is escalated by the system (seed 001:
     * 7 days). null = off (the default: seed 000's D4/D5 windows govern); when set it wins over them.
     */
    platformInvolvementAfter: Duration.nullable().default(null),
    /** D11 [001]: after this many rejected proposals in one dispute it goes to arbitration. */
    maxRejectedProposals: z.number().int().positive().default(3),
    /** D12: at most this many disputes per order in total, withdrawn ones included. */
    maxDisputesPerOrder: z.number().int().positive().default(2),
    /** D6: escalation allowed once the dispute is this old (sources say 3 or 7 days). */
    escalationAllowedAfter: Duration.default('P3D'),
    /** D8: arbitration evidence window, then the ruling SLA (A4 shorter and first), capped. */
    evidenceWindow: Duration.default('P5D'),
    rulingSla: Duration.default('P15D'),
    rulingSlaExpedited: Duration.default('P5D'),
    rulingSlaMax: Duration.default('P60D'),
    /** D3: evidence limits. */
    maxImagesPerSubmission: z.number().int().default(3),
    maxImageBytes: z
      .number()
      .int()
      .default(2 * 1024 * 1024),
    maxVideoBytes: z
      .number()
      .int()
      .default(50 * 1024 * 1024),
    /**
     * D3 is silent on image dimensions; these bound what a viewer decodes from a small file (pixel
     * bombs): no side over 16,384 px (WebP's own cap), at most 40 MP (160 MB as RGBA).
     */
    maxImageSide: z.number().int().positive().default(16_384),
    maxImagePixels: z.number().int().positive().default(40_000_000),
  }),
  returns: z.object({
    /** R1: the buyer ships the return within this. */
    returnShipWindow: Duration.default('P10D'),
    /** R3: seller silent this long after the return shipped -> automatic refund. */
    returnAnswerWindow: Duration.default('P30D'),
    /** R6: levels that get fast refunds. */
    fastRefundLevels: z.array(Level).default(['A3', 'A4']),
    /** R7: appeal window after an arbitration ruling. */
    appealWindow: Duration.default('P15D'),
    /** S1: an agent decides an appeal within this after it was filed (A4 first); missed = ops alert. */
    appealDecisionSla: Duration.default('P10D'),
  }),
  escrow: z.object({
    /** E1: platform commission in basis points (default 0 %). */
    commissionBps: z.number().int().min(0).max(10_000).default(0),
    /** E4: refund retries through the provider. */
    refundRetryBase: Duration.default('PT30S'),
    refundRetryMax: Duration.default('PT6H'),
  }),
  buyerLevels: z.object({
    /** O12: thresholds of completed spend in USD cents; A0 below A1. */
    thresholdsUsdCents: z
      .object({ A1: z.number().int(), A2: z.number().int(), A3: z.number().int(), A4: z.number().int() })
      .default({ A1: 100, A2: 100_00, A3: 500_00, A4: 2000_00 }),
    /** USD per one unit of each currency (rate table; configured in production). */
    usdRates: z.record(z.string(), z.number().positive()).default({ USD: 1, EUR: 1.08, GBP: 1.27, RUB: 0.011, JPY: 0.0067, IRR: 0.000024 }),
    /** D8: level that gets expedited arbitration. */
    expeditedArbitrationLevels: z.array(Level).default(['A4']),
    /**
     * O11 [000]: "confirming earns the buyer points": points per order whose receipt the buyer
     * confirmed (not auto-confirmed). DOMAIN.md gives no figure: 10 is our default. 0 turns it off.
     */
    confirmationPoints: z.number().int().nonnegative().default(10),
  }),
  notifications: z.object({
    /** N2: reminders before deadlines. */
    protectionEndsReminder: Duration.default('P3D'),
    sellerAnswerReminder: Duration.default('PT24H'),
    shipReminder: Duration.default('PT24H'),
    returnShipReminder: Duration.default('P2D'),
    slaAtRiskReminder: Duration.default('P2D'),
    /** N4: e-mail retries after an SMTP failure: base × 2^(failures-1), at most this many tries. */
    emailRetryBase: Duration.default('PT1M'),
    emailMaxAttempts: z.number().int().min(1).default(8),
    /** N4: partner webhooks retry with backoff for up to this long, then the delivery fails. */
    webhookRetryFor: Duration.default('PT24H'),
    webhookRetryBase: Duration.default('PT10S'),
    /** A subscription whose deliveries failed this many times in a row is paused. */
    webhookPauseAfterFailures: z.number().int().default(20),
    /** Tolerance of webhook signature timestamps. */
    webhookSignatureTolerance: Duration.default('PT5M'),
  }),
  api: z.object({
    maxPageSize: z.number().int().default(100),
    defaultPageSize: z.number().int().default(20),
    idempotencyKeyTtl: Duration.default('PT24H'),
    /**
     * S3: how long a request naming an order (or dispute) another service produced waits, server-side,
     * for this service's consumer to record it before answering "not known yet" with Retry-After.
     */
    readYourWritesWait: Duration.default('PT5S'),
    /**
     * S3: a refusal about a KNOWN order that a fact still on its way could lift (a dispute opened
     * right after the shipment or the delivery report) is given only after waiting this long for the
     * next fact about that order (facts arrive in ~10-60 ms; a genuine refusal costs this much).
     */
    staleFactsWait: Duration.default('PT1S'),
    /**
     * The longest a GET with `If-None-Match: "<version>"` and `Prefer: wait=<seconds>` holds its
     * answer waiting for a newer version (a storefront waiting for an effect without polling).
     */
    changeWaitMax: Duration.default('PT30S'),
  }),
});

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** The defaults of DOMAIN.md, optionally overridden section by section. */
export const makePolicy = (overrides: DeepPartial<PolicyInput> = {}): Policy => {
  const sections = Object.keys(PolicySchema.shape) as (keyof Policy)[];
  const input = Object.fromEntries(sections.map((s) => [s, { ...(overrides[s] as object | undefined) }]));
  return PolicySchema.parse(input);
};

export const defaultPolicy: Policy = makePolicy();

/**
 * The part of the policy frozen into each order when it is placed (O2), so a later policy change
 * never alters an order already placed. Carried on OrderPlaced; other services read it from there.
 */
export const PolicySnapshotSchema = PolicySchema.pick({ order: true, dispute: true, returns: true, escrow: true });
export type PolicySnapshot = z.infer<typeof PolicySnapshotSchema>;

/** A deep copy: nothing done to the live policy object afterwards can reach a snapshot already taken. */
export const snapshotOf = (policy: Policy): PolicySnapshot =>
  structuredClone({ order: policy.order, dispute: policy.dispute, returns: policy.returns, escrow: policy.escrow });
