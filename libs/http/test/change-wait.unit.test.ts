import type { FastifyRequest } from 'fastify';
import { changeWaitOf } from '../src';

/** Prefer: wait (RFC 7240) with If-None-Match: which GETs wait for the next version, and how long. */
describe('changeWaitOf', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;
  const of = (prefer: string | undefined, noneMatch: string | undefined, maxMs = 30_000) =>
    changeWaitOf(req({ ...(prefer !== undefined ? { prefer } : {}), ...(noneMatch !== undefined ? { 'if-none-match': noneMatch } : {}) }), maxMs);

  it('wait=<s> with a version tag (strong or weak): that version, the seconds in ms', () => {
    expect(of('wait=10', '"7"')).toEqual({ version: 7, ms: 10_000 });
    expect(of('wait=10', 'W/"7"')).toEqual({ version: 7, ms: 10_000 });
    expect(of('respond-async, wait=5', '"3"')).toEqual({ version: 3, ms: 5_000 });
    expect(of('WAIT = "4"', '"3"')).toEqual({ version: 3, ms: 4_000 });
  });

  it('capped by the policy', () => {
    expect(of('wait=3600', '"1"', 30_000)).toEqual({ version: 1, ms: 30_000 });
  });

  it("no wait: no Prefer, no If-None-Match, wait=0, a body-hash or list tag, or a wait that is some other preference's parameter", () => {
    expect(of(undefined, '"1"')).toBeUndefined();
    expect(of('wait=5', undefined)).toBeUndefined();
    expect(of('wait=0', '"1"')).toBeUndefined();
    expect(of('wait=5', 'W/"abc"')).toBeUndefined();
    expect(of('wait=5', '"1", "2"')).toBeUndefined();
    expect(of('wait=5', '*')).toBeUndefined();
    expect(of('return=minimal; wait=5', '"1"')).toBeUndefined();
    expect(of('wait=-1', '"1"')).toBeUndefined();
  });
});
