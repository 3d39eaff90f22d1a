import { seededRandom } from '@bp/messaging';
import { type ServiceName, ServiceNames } from '@bp/runtime';
import type { ServiceProcesses } from './processes';

/**
 * A seeded background loop that SIGKILLs one service process at a time and starts it again on the
 * same port, until stopped. The victims come in rounds, each round the four services in a seeded
 * order with no service twice in a row, so any four kills in a row cover all four. Between a
 * restart and the next kill it waits a random moment (the point of the loop: kills land wherever
 * the traffic happens to be), and a killed service stays down a random moment before it is started.
 * `beforeKill` / `afterKill` let the caller fence what must not be cut (resilient-send.ts).
 */
export interface Kill {
  service: ServiceName;
  /** ms since the loop started. */
  at: number;
  /** What the traffic was doing (the caller's label, e.g. the story running). */
  during: string;
  downMs: number;
  /** From the start of the new process to its /health/ready answering. */
  restartMs: number;
}

export interface KillLoop {
  kills: Kill[];
  /** Ends the loop after the kill/restart in progress (every service is up when it resolves). */
  stop(): Promise<void>;
}

export const startKillLoop = (o: {
  sys: ServiceProcesses;
  seed: number;
  gapMs: [number, number];
  /** The gap while the first round (one kill of each service) is not done yet; default gapMs. */
  firstRoundGapMs?: [number, number];
  downMs: [number, number];
  during: () => string;
  beforeKill?: (service: ServiceName) => Promise<void>;
  afterKill?: (service: ServiceName) => void;
}): KillLoop => {
  const random = seededRandom(o.seed); // a seed replays the schedule (the traffic's timing is the machine's)
  const between = ([lo, hi]: [number, number]) => Math.round(lo + random() * (hi - lo));
  const startedAt = Date.now();
  const kills: Kill[] = [];
  let queue: ServiceName[] = [];
  let last: ServiceName | undefined;
  const next = (): ServiceName => {
    if (queue.length === 0) {
      queue = [...ServiceNames];
      for (let i = queue.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [queue[i], queue[j]] = [queue[j]!, queue[i]!];
      }
      if (queue[0] === last) [queue[0], queue[1]] = [queue[1]!, queue[0]!];
    }
    last = queue.shift()!;
    return last;
  };

  let stopping = false;
  let wake = () => {};
  /** A random moment, cut short by stop(): the wait only spaces the kills, nothing depends on it. */
  const gap = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const run = (async () => {
    while (!stopping) {
      await gap(between(kills.length < ServiceNames.length ? (o.firstRoundGapMs ?? o.gapMs) : o.gapMs));
      if (stopping) break;
      const service = next();
      await o.beforeKill?.(service);
      const during = o.during();
      const at = Date.now() - startedAt;
      try {
        await o.sys.kill(service, 'SIGKILL');
      } finally {
        o.afterKill?.(service);
      }
      const downMs = between(o.downMs);
      await new Promise((r) => setTimeout(r, downMs));
      const restartAt = Date.now();
      await o.sys.start(service);
      kills.push({ service, at, during, downMs, restartMs: Date.now() - restartAt });
    }
  })();
  run.catch(() => {}); // rethrown by stop()

  return {
    kills,
    async stop() {
      stopping = true;
      wake();
      await run;
    },
  };
};
