import type pino from 'pino';

export interface Shutdown {
  /**
   * Registers a closer. Closers run in registration order, so register in the order things must
   * stop: consumers -> relay -> scheduler -> HTTP -> pool (a later one may still be needed by an earlier one).
   */
  add(name: string, close: () => Promise<void> | void, o?: { timeoutMs?: number }): void;
  /** Runs every closer once; later calls return the same promise. Resolves `true` when all closed cleanly. */
  run(reason?: string): Promise<boolean>;
  readonly started: boolean;
}

const withTimeout = async (p: Promise<void>, ms: number, name: string): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not close within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

export const createShutdown = (logger: pino.Logger, o: { defaultTimeoutMs?: number } = {}): Shutdown => {
  const closers: { name: string; close: () => Promise<void> | void; timeoutMs: number }[] = [];
  let running: Promise<boolean> | undefined;

  const runAll = async (reason: string): Promise<boolean> => {
    logger.info({ reason }, 'shutting down');
    let clean = true;
    for (const c of closers) {
      try {
        // A hung closer must not stop the ones after it (the pool still has to close).
        await withTimeout(Promise.resolve().then(c.close), c.timeoutMs, c.name);
        logger.info({ component: c.name }, 'closed');
      } catch (err) {
        clean = false;
        logger.error({ err, component: c.name }, 'close failed');
      }
    }
    logger.info({ clean }, 'shutdown complete');
    return clean;
  };

  return {
    add(name, close, opts = {}) {
      if (running) throw new Error(`shutdown already started; cannot add ${name}`);
      closers.push({ name, close, timeoutMs: opts.timeoutMs ?? o.defaultTimeoutMs ?? 10_000 });
    },
    run(reason = 'requested') {
      running ??= runAll(reason);
      return running;
    },
    get started() {
      return running !== undefined;
    },
  };
};
