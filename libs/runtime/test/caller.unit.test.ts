import { isProblemError } from '@bp/http';
import type { FastifyRequest } from 'fastify';
import { callerOf, requestMeta } from '../src/caller';

const request = (user: { role: string; sub: string } | undefined, ids = { id: 'req-1', correlationId: '' }) => ({ user, ...ids }) as unknown as FastifyRequest;
const clock = { now: () => new Date('2025-01-01T00:00:00Z') };

describe('the caller of a route', () => {
  it('is the authenticated user as the domain Actor', () => {
    expect(callerOf(request({ role: 'seller', sub: 's1' }))).toEqual({ role: 'seller', id: 's1' });
  });

  it('without a user (a route that declared no roles) is a 401 problem, not a command for nobody', () => {
    let thrown: unknown;
    try {
      callerOf(request(undefined));
    } catch (e) {
      thrown = e;
    }
    expect(isProblemError(thrown) && thrown.statusCode).toBe(401);
  });

  it("a request's meta: the caller, the clock's now, the request's correlation (its id when it has none)", () => {
    expect(requestMeta(request({ role: 'buyer', sub: 'b1' }), { clock })).toEqual({
      meta: { now: '2025-01-01T00:00:00.000Z', actor: { role: 'buyer', id: 'b1' } },
      metadata: { correlationId: 'req-1', causationId: 'req-1', actor: { role: 'buyer', id: 'b1' }, now: '2025-01-01T00:00:00.000Z' },
    });
    expect(requestMeta(request({ role: 'buyer', sub: 'b1' }, { id: 'req-2', correlationId: 'corr-9' }), { clock }).metadata.correlationId).toBe('corr-9');
  });
});
