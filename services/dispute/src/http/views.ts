import type { Actor } from '@bp/contracts';
import { problem } from '@bp/http';
import type { Pool } from 'pg';
import { disputeView, verifyChain, type DisputeState, type DisputeView, type ThreadEntry } from '../domain';
import { getDispute, readThread, type DisputeSummary } from '../projections';

export type DisputeResource = DisputeView & { version: number; chainVerified: boolean };

const notFound = () => problem('DISPUTE_NOT_FOUND', 404, 'no such dispute');

/** API.md: only the order's buyer and seller, and agents, see a dispute; to anyone else it does not exist. */
export const mayView = (s: Pick<DisputeSummary, 'buyerId' | 'sellerId'>, caller: Actor): boolean =>
  caller.role === 'agent' || (caller.role === 'buyer' && s.buyerId === caller.id) || (caller.role === 'seller' && s.sellerId === caller.id);

/**
 * The dispute as API.md shows it. The thread comes from its own table and is re-verified on every
 * read (`chainVerified`), so an entry changed behind the log's back is flagged, not served as true.
 */
export const resourceOf = async (pool: Pool, schema: string, s: DisputeSummary, caller: Actor, now: string): Promise<DisputeResource> =>
  withThread(s, await readThread(pool, schema, s.disputeId), caller, now);

const withThread = (s: Pick<DisputeSummary, 'state' | 'version'>, thread: ThreadEntry[], caller: Actor, now: string): DisputeResource => {
  const view = disputeView(s.state, caller, now);
  if (!view) throw notFound();
  return { ...view, thread, chainVerified: verifyChain(thread).ok, version: s.version };
};

/**
 * The dispute as a command just left it: its folded state and version (what its summary row was
 * written from) and the thread read back in the command's transaction. No read of its own.
 */
export const resourceAfter = (result: { state: DisputeState; version: number }, thread: ThreadEntry[], caller: Actor, now: string): DisputeResource =>
  withThread(result, thread, caller, now);

export const loadResource = async (pool: Pool, schema: string, disputeId: string, caller: Actor, now: string): Promise<DisputeResource> => {
  // Both reads at once: one round trip on a request's pipelined connection (issue 18 item 2). The
  // thread of a dispute the caller may not see is dropped unshown.
  const [s, thread] = await Promise.all([getDispute(pool, schema, disputeId), readThread(pool, schema, disputeId)]);
  if (!s || !mayView(s, caller)) throw notFound();
  return withThread(s, thread, caller, now);
};
