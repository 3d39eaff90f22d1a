import type { Role } from '@bp/contracts';
import type { FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../problems/problem';
import type { AuthConfig } from './config';
import { bearerToken, createTokenVerifier, unauthenticated } from './verifier';
import type { AuthUser } from './user';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route. A non-public route without roles fails at startup. */
    roles?: readonly Role[];
    /** No authentication (health, docs, provider webhooks that carry their own signature). */
    public?: boolean;
  }
  interface FastifyInstance {
    /** A preHandler refusing callers whose role is not listed (403 FORBIDDEN_ROLE). */
    requireRole(...roles: Role[]): (request: FastifyRequest) => Promise<void>;
  }
}

export interface AuthPluginOptions {
  auth: AuthConfig;
  /** URL prefixes of routes registered by third-party plugins (docs UI) that are public by nature. */
  publicPrefixes?: string[];
}

const ROLE_GUARD = Symbol.for('@bp/http/role-guard');

const forbidden = (role: Role) => problem('FORBIDDEN_ROLE', 403, `the role ${role} may not call this operation`);

const checkRole = (user: AuthUser | undefined, roles: readonly Role[]): void => {
  if (!user) throw unauthenticated('authentication required');
  if (!roles.includes(user.role)) throw forbidden(user.role);
};

const hasRoleGuard = (handlers: unknown): boolean => (Array.isArray(handlers) ? handlers : [handlers]).some((h) => typeof h === 'function' && ROLE_GUARD in h);

/**
 * Deny by default (OWASP API5): a route must declare `config.roles`, a `requireRole` preHandler, or
 * `config.public`, else registering it throws and the service does not start.
 */
const assertDeclaresPolicy = (route: RouteOptions, publicPrefixes: string[]): void => {
  const url = route.url;
  if (publicPrefixes.some((p) => url === p || url.startsWith(`${p}/`))) {
    route.config = { ...route.config, public: true };
    return;
  }
  const config = route.config ?? {};
  if (config.public === true) return;
  if (Array.isArray(config.roles) && config.roles.length > 0) return;
  if (hasRoleGuard(route.preHandler)) return;
  const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
  throw new Error(`route ${methods} ${url} declares no access policy: add config.roles, app.requireRole(...) or config.public`);
};

export const authPlugin = fp<AuthPluginOptions>(
  async (app, opts) => {
    const verify = createTokenVerifier(opts.auth);
    const publicPrefixes = opts.publicPrefixes ?? [];

    app.decorateRequest('user', undefined);
    app.decorate('requireRole', (...roles: Role[]) => {
      const guard = async (request: FastifyRequest) => checkRole(request.user, roles);
      return Object.assign(guard, { [ROLE_GUARD]: roles });
    });

    app.addHook('onRoute', (route) => assertDeclaresPolicy(route, publicPrefixes));

    app.addHook('onRequest', async (request) => {
      // Unknown routes answer 404 whoever asks; public routes carry no identity.
      if (request.is404 || request.routeOptions.config.public === true) return;
      const token = bearerToken(request.headers.authorization);
      if (!token) throw unauthenticated('a Bearer token is required');
      request.user = await verify(token);
      const roles = request.routeOptions.config.roles;
      if (roles) checkRole(request.user, roles);
    });
  },
  { name: '@bp/http/auth', fastify: '5.x' },
);
