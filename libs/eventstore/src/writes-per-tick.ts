import type { Socket } from 'node:net';
import type { ClientBase } from 'pg';

const installed = new WeakSet<object>();

/**
 * What a connection writes in one turn of the event loop leaves in ONE socket write (issue 18 item 1).
 * node-postgres corks the socket per statement only, so a pipelined round trip of six statements
 * (savepoint, append, deadlines, projections) was six writev calls, each paying the loopback's
 * whole send-and-receive path in the kernel. The socket is corked at the first write of a turn and
 * uncorked on the next tick, after the synchronous code and the promise jobs that queued the
 * statements: nothing waits longer than that turn.
 */
export const writesPerTick = (client: ClientBase): void => {
  const stream = (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
  if (!stream || typeof stream.cork !== 'function' || installed.has(stream)) return;
  installed.add(stream);
  const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = ((...a: unknown[]) => {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write(...a);
  }) as Socket['write'];
};
