import { DomainError, type Actor } from '@bp/contracts';
import type { AuthUser } from '@bp/http';
import type { KnownEscrow } from '../domain';

/** The caller as the domain sees it. */
export const actorOf = (user: AuthUser | undefined): Actor => {
  if (!user) throw new Error('route without authentication');
  return { role: user.role, id: user.sub };
};

/** Parties of the order, agents and ops see an escrow; anyone else is told it does not exist (404). */
export const canSeeEscrow = (caller: Actor, s: KnownEscrow): boolean =>
  caller.role === 'ops' || caller.role === 'agent' ||
  (caller.role === 'buyer' && caller.id === s.buyerId) || (caller.role === 'seller' && caller.id === s.sellerId);

export const notFound = (what: string): DomainError => new DomainError('ESCROW_NOT_FOUND', `no ${what}`, 'not_found');
