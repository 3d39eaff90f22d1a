import type { Notification, Pool, PoolClient } from 'pg';

/**
 * `name` when it can be sent unquoted as a LISTEN/NOTIFY channel (a lowercase Postgres identifier),
 * else undefined: the caller then polls only.
 */
export const channelName = (name: string): string | undefined => (/^[a-z_][a-z0-9_]{0,62}$/.test(name) ? name : undefined);

export interface ChannelListener {
  /**
   * LISTENs when not already: true once this process listens. A failure is logged and answers
   * false (the caller polls meanwhile and asks again later). Concurrent calls share one attempt.
   */
  ensure(): Promise<boolean>;
  /** UNLISTEN and give the connection back (a LISTEN being set up meanwhile lets go of its own). */
  stop(): Promise<void>;
}

export interface ChannelListenerOptions {
  pool: Pool;
  /** A valid Postgres identifier (checked: it is sent unquoted). */
  channel: string;
  onNotification: (n: Notification) => void;
  /** The connection broke: the caller polls until the next ensure() listens again. */
  onLost?: () => void;
  warn: (err: unknown, message: string) => void;
}

/**
 * LISTEN on a connection of its own (issue 18 item 5: idle loops sleep until a NOTIFY, sent at the
 * writer's COMMIT, instead of polling). A lost connection is dropped, not returned to the pool.
 */
export const createChannelListener = (o: ChannelListenerOptions): ChannelListener => {
  if (!channelName(o.channel)) throw new Error(`not a channel name: ${o.channel}`);
  let listener: PoolClient | undefined;
  let connecting: Promise<boolean> | undefined;
  let stopped = false;

  const connect = async (): Promise<boolean> => {
    const c = await o.pool.connect();
    const onError = (err: Error) => {
      o.warn(err, `LISTEN ${o.channel}: connection lost; polling until it is back`);
      if (listener !== c) return; // still connecting (the LISTEN rejects and releases it) or let go
      listener = undefined;
      letGo(c, err);
      o.onLost?.();
    };
    c.on('notification', o.onNotification);
    c.on('error', onError);
    handlers.set(c, onError);
    try {
      await c.query(`LISTEN ${o.channel}`);
    } catch (err) {
      letGo(c, err as Error);
      throw err;
    }
    if (stopped) {
      letGo(c, true);
      return false;
    }
    listener = c;
    return true;
  };
  /** Back to the pool (or dropped) without this listener's handlers: a pooled client is used again. */
  const handlers = new Map<PoolClient, (err: Error) => void>();
  const letGo = (c: PoolClient, drop?: Error | boolean) => {
    c.off('notification', o.onNotification);
    c.off('error', handlers.get(c)!);
    handlers.delete(c);
    if (drop) c.on('error', () => {}); // a dropped connection may still report its end: not a crash
    c.release(drop);
  };

  return {
    ensure() {
      if (listener) return Promise.resolve(true);
      if (stopped) return Promise.resolve(false); // stopping
      connecting ??= connect()
        .catch((err: unknown) => {
          o.warn(err, `LISTEN ${o.channel} failed; polling meanwhile`);
          return false;
        })
        .finally(() => (connecting = undefined));
      return connecting;
    },
    async stop() {
      stopped = true;
      try {
        await connecting;
        const c = listener;
        listener = undefined;
        if (!c) return;
        const failed = await c.query(`UNLISTEN ${o.channel}`).then(
          () => undefined,
          (err: Error) => err,
        );
        letGo(c, failed);
      } finally {
        stopped = false; // a loop started again LISTENs again
      }
    },
  };
};
