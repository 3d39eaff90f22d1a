import { AsyncLocalStorage } from 'node:async_hooks';
import type { PoolClient } from 'pg';

/**
 * Work that must commit atomically with whatever the current request commits, without the request's
 * code passing it along: `withTransaction` runs the hook of the surrounding async context right
 * before its COMMIT, inside the transaction. The HTTP layer uses it to mark an Idempotency-Key as
 * "its effects are committed" in the same commit as those effects. A hook may instead return one
 * statement (literals escaped with tx.escapeLiteral, no parameters): withTransaction sends it with
 * its COMMIT as one text, one round trip for both (issue 18 item 2).
 */
export type CommitHook = (tx: PoolClient) => Promise<string | void>;

const current = new AsyncLocalStorage<CommitHook>();

/** Runs `fn` (and everything it starts asynchronously) with `hook` before each of its commits. */
export const withCommitHook = <T>(hook: CommitHook, fn: () => T): T => current.run(hook, fn);

export const commitHook = (): CommitHook | undefined => current.getStore();
