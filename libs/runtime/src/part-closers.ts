import type pino from 'pino';

/**
 * Under Fastify's pluginTimeout (10 s), which also bounds each preClose hook: a preClose hook that
 * times out there makes Fastify skip the preClose hooks after it.
 */
export const CLOSE_TIMEOUT_MS = 8_000;

/** The closers of a service's started parts, each run at most once whoever asks first (a hook or a failed start). */
export interface PartClosers {
  /** A part that started (or is about to): a stop, or a failed start, closes it from now on. */
  add(name: string, close: () => Promise<void> | void): void;
  /** Closes that part if it started, once; bounded and logged, never rejects (the closers after it still run). */
  close(name: string): Promise<void>;
  /** The parts added so far, in start order. */
  started(): string[];
  /** A part that did not close cleanly by other means (logged; the stop is not clean). */
  failed(name: string, err: unknown): void;
  /** Closes every started part no one closed yet, newest first. */
  closeRest(): Promise<void>;
  /** No closer failed or timed out so far. */
  readonly clean: boolean;
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

export const createPartClosers = (logger: pino.Logger, timeoutMs = CLOSE_TIMEOUT_MS): PartClosers => {
  const parts = new Map<string, { close: () => Promise<void> | void; closing?: Promise<void> }>();
  let clean = true;

  const failed = (name: string, err: unknown): void => {
    clean = false;
    logger.error({ err, component: name }, 'close failed');
  };
  const closeOnce = async (name: string, close: () => Promise<void> | void): Promise<void> => {
    try {
      // A hung closer must not stop the ones after it (the pool still has to close).
      await withTimeout(Promise.resolve().then(close), timeoutMs, name);
      logger.info({ component: name }, 'closed');
    } catch (err) {
      failed(name, err);
    }
  };
  const close = (name: string): Promise<void> => {
    const part = parts.get(name);
    if (!part) return Promise.resolve();
    part.closing ??= closeOnce(name, part.close);
    return part.closing;
  };

  return {
    add(name, closer) {
      if (parts.has(name)) throw new Error(`two parts named ${name}`);
      parts.set(name, { close: closer });
    },
    close,
    failed,
    started: () => [...parts.keys()],
    async closeRest() {
      for (const name of [...parts.keys()].reverse()) await close(name);
    },
    get clean() {
      return clean;
    },
  };
};
