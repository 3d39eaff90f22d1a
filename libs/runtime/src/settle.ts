/**
 * After the simulated clock moves, every deadline that came due must fire and its consequences must
 * settle across services before `POST /ops/clock` returns. A participant is one service: `settle()`
 * refreshes its clock, fires what is due, publishes its outbox and reports how much work it did and
 * how far its consumers lag. Rounds repeat until one round does nothing anywhere.
 */
export interface SettleReport {
  fired: number;
  published: number;
  /** Messages on the topics this service consumes that its group has not processed yet. */
  lag: number;
}

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
    const lag = reports.reduce((n, r) => n + r.lag, 0);
    total.fired += fired;
    total.published += published;
    // Two quiet rounds in a row: a consumer may commit an effect between one service's report
    // and another's, so one quiet round alone does not prove the system is at rest.
    quietRounds = fired === 0 && published === 0 && lag === 0 ? quietRounds + 1 : 0;
    if (quietRounds >= 2) return total;
    if (fired > 0 || published > 0 || lag < lastLag) lastProgress = now();
    lastLag = lag;
    if (now() - lastProgress > stallMs) throw new Error(`the system made no progress for ${stallMs} ms (consumer lag ${lag})`);
    if (lag > 0 && fired === 0 && published === 0) await (opts.pause ?? (() => new Promise((r) => setTimeout(r, 20))))();
  }
  throw new Error(`the system did not settle after ${opts.maxRounds} rounds`);
};
