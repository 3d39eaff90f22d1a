import { DomainError, type Actor } from '@bp/contracts';
import type { KnownEscrow } from '../domain';

/** Parties of the order, agents and ops see an escrow; anyone else is told it does not exist (404). */
export const canSeeEscrow = (caller: Actor, s: KnownEscrow): boolean =>
  caller.role === 'ops' ||
  caller.role === 'agent' ||
  (caller.role === 'buyer' && caller.id === s.buyerId) ||
  (caller.role === 'seller' && caller.id === s.sellerId);

export const notFound = (what: string): DomainError => new DomainError('ESCROW_NOT_FOUND', `no ${what}`, 'not_found');
