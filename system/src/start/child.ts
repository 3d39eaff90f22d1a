import type { ChildProcess } from 'node:child_process';

/** Resolves when the child has exited (immediately if it already has). */
export const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));

/** Signals the child and waits; after `graceMs` it is killed, so a hung child cannot block shutdown. */
export const stopChild = async (child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<'clean' | 'killed'> => {
  if (child.exitCode !== null || child.signalCode !== null) return 'clean';
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'killed'>((r) => (timer = setTimeout(() => r('killed'), graceMs)));
  const result = await Promise.race([exited(child).then(() => 'clean' as const), timedOut]);
  clearTimeout(timer);
  if (result === 'killed') {
    child.kill('SIGKILL');
    await exited(child);
  }
  return result;
};
