import { DomainError } from '@bp/contracts';
import { z } from 'zod';
import { type FastifyPluginAsyncZod } from '../src';
import { bearer, testApp } from './helpers';

const Rename = z.strictObject({ title: z.string().min(1) });
const View = z.object({ id: z.string(), title: z.string(), by: z.string() });

// The shape a service's route file takes: a plugin, zod schemas, roles, DomainError for refusals.
const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/things/:id/rename',
    { config: { roles: ['seller'] }, schema: { params: z.object({ id: z.string() }), body: Rename, response: { 200: View } } },
    async (req) => {
      if (req.params.id === 'locked') throw new DomainError('THING_LOCKED', 'the thing is locked', 'conflict');
      return { id: req.params.id, title: req.body.title, by: req.user!.sub };
    },
  );
};

describe('a service route plugin', () => {
  it('is registered on the app with typed request and DomainError mapping', async () => {
    const app = await testApp();
    await app.register(routes, { prefix: '/v0' });
    const call = (id: string) => app.inject({ method: 'POST', url: `/v0/things/${id}/rename`, payload: { title: 'T' }, headers: bearer('seller', 'seller-9') });
    expect((await call('t1')).json()).toEqual({ id: 't1', title: 'T', by: 'seller-9' });
    const locked = await call('locked');
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('THING_LOCKED');
    await app.close();
  });
});
