/**
 * After the simulated clock moves, every deadline that came due must fire and its consequences must
 * settle across services before `POST /ops/clock` returns. A participant is one service: `settle()`
 * refreshes its clock, fires what is due, runs the module's own settle hook (background work such as
 * escrow's refund dispatch), publishes its outbox and reports how much work it did, how far its
 * consumers lag and what is still pending. Rounds repeat until the system is quiet (twice in a row).
 */
export interface SettleReport {
  fired: number;
  published: number;
  /** Messages on the topics this service consumes that its group has not processed yet. */
  lag: number;
  /** Work the service's own settle hook did this round (escrow: refunds sent to the provider). */
  worked?: number;
  /** Work the service knows is due but another loop holds right now (escrow: refunds at the provider). */
  pending?: number;
}

/** What a module's own settle hook reports (ServiceModule.settle): see SettleReport. */
export type ModuleSettleReport = Required<Pick<SettleReport, 'worked' | 'pending'>>;

export interface SettleParticipant {
  name: string;
  settle(): Promise<SettleReport>;
}

export interface SettleResult {
  rounds: number;
  fired: number;
  published: number;
}

/**
 * Gives up only when the system stops making progress for `stallMs` (nothing fired or published and
 * the lag not shrinking), not after a fixed number of rounds: a burst of thousands of deadlines
 * legitimately takes many rounds. `maxRounds` bounds it in tests.
 */
export const settleAll = async (
  participants: readonly SettleParticipant[],
  opts: { maxRounds?: number; stallMs?: number; pause?: () => Promise<void>; now?: () => number } = {},
): Promise<SettleResult> => {
  const now = opts.now ?? Date.now;
  const stallMs = opts.stallMs ?? 60_000;
  const total = { rounds: 0, fired: 0, published: 0 };
  let quietRounds = 0;
  let lastLag = Number.POSITIVE_INFINITY;
  let lastProgress = now();
  while (opts.maxRounds === undefined || total.rounds < opts.maxRounds) {
    total.rounds++;
    const reports = await Promise.all(participants.map((p) => p.settle()));
    const fired = reports.reduce((n, r) => n + r.fired, 0);
    const published = reports.reduce((n, r) => n + r.published, 0);
    const worked = reports.reduce((n, r) => n + (r.worked ?? 0), 0);
    // consumer lag, and work a background loop holds (it counts as not quiet, and as progress when it shrinks)
    const lag = reports.reduce((n, r) => n + r.lag + (r.pending ?? 0), 0);
    total.fired += fired;
    total.published += published;
    const moved = fired > 0 || published > 0 || worked > 0;
    // Two quiet rounds in a row: a consumer may commit an effect between one service's report
    // and another's, so one quiet round alone does not prove the system is at rest.
    quietRounds = !moved && lag === 0 ? quietRounds + 1 : 0;
    if (quietRounds >= 2) return total;
    if (moved || lag < lastLag) lastProgress = now();
    lastLag = lag;
    if (now() - lastProgress > stallMs) throw new Error(`the system made no progress for ${stallMs} ms (consumer lag and pending work ${lag})`);
    if (lag > 0 && !moved) await (opts.pause ?? (() => new Promise((r) => setTimeout(r, 20))))();
  }
  throw new Error(`the system did not settle after ${opts.maxRounds} rounds`);
};
