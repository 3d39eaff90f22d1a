// Authorization matrix generated from the route table (issue 11; reliability.md §3 API1/API5,
// T12): every route each service registers (captured from its own declarations, cross-checked
// against its OpenAPI document) × every role × own / someone else's / a missing resource, plus
// every bad token. Expectations come from API.md: no or bad token 401, a role the route does not
// declare 403, another party's resource 404 exactly like a missing one (never 200, never 403, never
// 412: nothing may reveal that it exists), a party's own resource neither 401, 403 nor 404.
import { randomUUID } from 'node:crypto';
import type { Role } from '@bp/contracts';
import type { ServiceUnderTest } from '@bp/testing';
import { recordResult } from './support/results';
import { type DeclaredRoute, documentedOperations, fill, ROLES, type RunningStack, startStack, toOpenApiPath } from './support/stack';
import { badTokens, hs256 } from './support/tokens';
import { validBody } from './support/bodies';
import { BUYER, PARTNER, SELLER, seedWorld, type World } from './support/world';

type Res = { status: number; body: any };

/** Who owns the resource a route addresses, and which other allowed roles see any such resource. */
interface ResourceRule {
  match: RegExp;
  parties: Partial<Record<Role, string>>;
  /** Allowed roles that are not parties but see every such resource (agents on orders…). */
  staff: Role[];
  /** The path parameter naming the resource (replaced by an unknown id for the "missing" cells). */
  param: string;
}

const RULES: ResourceRule[] = [
  { match: /^\/orders\/:orderId/, parties: { buyer: BUYER, seller: SELLER }, staff: ['agent', 'partner'], param: 'orderId' },
  { match: /^\/buyers\/:buyerId/, parties: { buyer: BUYER }, staff: ['agent'], param: 'buyerId' },
  { match: /^\/escrows\/:orderId/, parties: { buyer: BUYER, seller: SELLER }, staff: ['agent', 'ops'], param: 'orderId' },
  { match: /^\/sellers\/:sellerId/, parties: { seller: SELLER }, staff: ['ops'], param: 'sellerId' },
  { match: /^\/disputes\/:disputeId/, parties: { buyer: BUYER, seller: SELLER }, staff: ['agent'], param: 'disputeId' },
  { match: /^\/inbox\/:id/, parties: { buyer: BUYER }, staff: [], param: 'id' },
  { match: /^\/recipients\/:userId/, parties: { buyer: BUYER }, staff: ['ops'], param: 'userId' },
  { match: /^\/webhooks\/:id/, parties: { partner: PARTNER }, staff: [], param: 'id' },
];

const paramsFor = (w: World, url: string): Record<string, string> => ({
  orderId: w.orderId,
  extensionId: w.extensionId,
  disputeId: w.disputeId,
  buyerId: BUYER,
  sellerId: SELLER,
  userId: BUYER,
  id: url.startsWith('/inbox') ? w.inboxId : w.webhookId,
  deliveryId: w.deliveryId,
  provider: 'sandbox',
});

const stranger = (role: Role) => `${role}-2`;
const key = (r: DeclaredRoute) => `${r.service} ${r.method} ${r.url}`;

describe('authorization matrix generated from the route table', () => {
  let st: RunningStack;
  let w: World;
  let routes: DeclaredRoute[];
  const failures: string[] = [];
  let cells = 0;

  const call = (
    s: ServiceUnderTest,
    method: string,
    url: string,
    o: { token?: string; header?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Res> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.header !== undefined) headers.authorization = o.header;
    else if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    const withBody = method !== 'GET' && method !== 'DELETE';
    return s.request(method as 'GET', url, { headers, ...(withBody ? { body: o.body ?? {} } : {}) });
  };

  const cell = (label: string, res: Res, problem: string | undefined) => {
    cells++;
    if (problem) failures.push(`${label} -> ${res.status} ${JSON.stringify(res.body)?.slice(0, 160)}: ${problem}`);
  };

  beforeAll(async () => {
    st = await startStack('sec_authz');
    w = await seedWorld(st);
    routes = [];
    for (const r of st.routes) if (!routes.some((x) => key(x) === key(r))) routes.push(r);
  }, 120_000);
  afterAll(async () => {
    await st?.stop();
  }, 60_000);

  it('the route table and every OpenAPI document agree; every route declares a policy', async () => {
    for (const [name, s] of Object.entries(st.svc)) {
      const { ops } = await documentedOperations(s);
      const captured = routes.filter((r) => r.service === name).map((r) => `${r.method} ${toOpenApiPath(r.url)}`);
      // Documented but not captured: the runtime's own routes (/ops/clock…), registered before the module's.
      const runtime = ops.filter((op) => !captured.includes(op));
      expect(runtime.filter((op) => !op.includes(' /ops/'))).toEqual([]);
      for (const op of captured) expect(ops).toContain(op);
      for (const op of runtime) {
        const [method, path] = op.split(' ') as [string, string];
        routes.push({
          service: name as DeclaredRoute['service'],
          method,
          url: path.replace(/\{(\w+)\}/g, ':$1'),
          roles: undefined,
          public: false,
          hasBody: method === 'POST',
        });
      }
    }
    // The only public service route carries its own proof (the provider's HMAC signature).
    expect(routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /providers/:provider/webhooks']);
    for (const r of routes) expect(r.public || (r.roles !== undefined && r.roles.length > 0) || r.url.startsWith('/ops/')).toBe(true);
    expect(routes.filter((r) => !r.public).length).toBeGreaterThanOrEqual(40);
  });

  it('401 without a token and with every bad token, on every non-public route', async () => {
    const secret = st.svc.order.service.ctx.config.JWT_SECRET!;
    // The hand-made signer is right: the same claims, correctly signed, are accepted.
    const good = hs256({ sub: BUYER, role: 'buyer', exp: Math.floor(Date.now() / 1000) + 600 }, secret);
    expect((await call(st.svc.order, 'GET', `/orders/${w.orderId}`, { token: good })).status).toBe(200);
    const bad = badTokens(secret, { sub: BUYER, role: 'buyer' });
    for (const r of routes.filter((x) => !x.public)) {
      const s = st.svc[r.service];
      const url = fill(r.url, paramsFor(w, r.url));
      const variants: [string, { token?: string; header?: string }][] = [
        ['no token', {}],
        ['empty bearer', { header: 'Bearer ' }],
        ['basic scheme', { header: 'Basic YnV5ZXItMTpwdw==' }],
        ...Object.entries(bad).map(([n, t]): [string, { token: string }] => [n, { token: t }]),
      ];
      for (const [name, auth] of variants) {
        const res = await call(s, r.method, url, auth);
        cell(
          `${r.service} ${r.method} ${r.url} [${name}]`,
          res,
          res.status === 401 && res.body?.code === 'UNAUTHENTICATED' ? undefined : 'expected 401 UNAUTHENTICATED',
        );
      }
    }
  }, 60_000);

  it("403 for roles a route does not declare, 404 for others' and missing resources, own resources reachable", async () => {
    const tok = (role: Role, sub: string) => st.svc.order.token(role, sub);
    const own: (() => Promise<void>)[] = [];
    const ownWrites: (() => Promise<void>)[] = [];
    const deletes: (() => Promise<void>)[] = [];

    for (const r of routes.filter((x) => !x.public)) {
      const s = st.svc[r.service];
      const params = paramsFor(w, r.url);
      const url = fill(r.url, params);
      const label = (role: Role, sub: string, what: string) => `${r.service} ${r.method} ${r.url} as ${role}:${sub} (${what})`;
      // Runtime routes: roles learned by probing with a valid token (FORBIDDEN_ROLE = not allowed).
      let roles = r.roles;
      if (!roles) {
        const allowed: Role[] = [];
        for (const role of ROLES)
          if ((await call(s, r.method, url, { token: tok(role, stranger(role)), body: { bogus: true } })).body?.code !== 'FORBIDDEN_ROLE') allowed.push(role);
        roles = allowed;
      }
      const rule = RULES.find((x) => x.match.test(r.url));

      for (const role of ROLES) {
        if (!roles.includes(role)) {
          // Wrong role: 403 whoever asks and whatever the resource (checked before anything is read).
          for (const sub of [rule?.parties[role] ?? `${role}-1`, stranger(role)]) {
            const res = await call(s, r.method, url, { token: tok(role, sub) });
            cell(label(role, sub, 'wrong role'), res, res.status === 403 && res.body?.code === 'FORBIDDEN_ROLE' ? undefined : 'expected 403 FORBIDDEN_ROLE');
          }
          continue;
        }
        if (!rule) {
          // A collection, a create or an ops route: allowed; a stranger's list shows nothing of the world.
          const run = async () => {
            const res = await call(s, r.method, url, { token: tok(role, stranger(role)) });
            let problem = [401, 403].includes(res.status) || res.status >= 500 ? 'an allowed role was refused or failed' : undefined;
            if (!problem && r.method === 'GET' && ['buyer', 'seller', 'partner'].includes(role)) {
              const text = JSON.stringify(res.body);
              if ([w.orderId, w.disputeId, w.webhookId, w.inboxId, w.deliveryId].some((id) => text.includes(id)))
                problem = "a stranger's list shows the world's resources";
            }
            cell(label(role, stranger(role), 'allowed, no resource'), res, problem);
          };
          (r.method === 'GET' ? own : ownWrites).push(run);
          continue;
        }
        const missing = fill(r.url, { ...params, [rule.param]: `missing-${randomUUID()}` });
        const ownerSub = rule.parties[role];
        const isStaff = rule.staff.includes(role);
        if (!isStaff) {
          // BOLA: someone else's resource is indistinguishable from a missing one (same status and code),
          // also when a stale If-Match is sent (a 412 would confirm the resource exists).
          const sub = stranger(role);
          const body = validBody(r.url);
          const gone = await call(s, r.method, missing, { token: tok(role, sub), body });
          cell(label(role, sub, 'missing resource'), gone, gone.status === 404 ? undefined : 'expected 404 for a missing resource');
          const res = await call(s, r.method, url, { token: tok(role, sub), body });
          const problem =
            res.status !== 404
              ? "expected 404 for another party's resource"
              : res.body?.code !== gone.body?.code
                ? `code ${res.body?.code} differs from a missing resource's ${gone.body?.code}`
                : undefined;
          cell(label(role, sub, "other's resource"), res, problem);
        }
        if (ownerSub || isStaff) {
          const sub = ownerSub ?? `${role}-1`;
          const run = async () => {
            const res = await call(s, r.method, url, { token: tok(role, sub) });
            cell(
              label(role, sub, ownerSub ? 'own resource' : 'staff'),
              res,
              [401, 403, 404].includes(res.status) || res.status >= 500 ? 'a party or staff was refused' : undefined,
            );
          };
          (r.method === 'GET' ? own : r.method === 'DELETE' ? deletes : ownWrites).push(run);
        }
      }
    }

    // Resources named in a body or query rather than the path.
    const bodyCells: [ServiceUnderTest, string, string, Role, unknown][] = [
      [st.svc.escrow, 'POST', '/payments', 'buyer', { orderId: w.orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } }],
      [
        st.svc.dispute,
        'POST',
        '/disputes',
        'buyer',
        {
          orderId: w.orderId,
          goodsReceived: false,
          reason: 'NOT_RECEIVED',
          solution: { type: 'REFUND_ONLY', refund: { amount: 100, currency: 'USD' } },
          description: 'x',
          evidenceIds: [],
        },
      ],
    ];
    for (const [s, method, url, role, body] of bodyCells) {
      const res = await call(s, method, url, { token: tok(role, stranger(role)), body });
      cell(`${method} ${url} as ${stranger(role)} naming ${w.orderId}`, res, res.status === 404 ? undefined : "expected 404 for another party's order");
    }
    for (const role of ['buyer', 'seller'] as const) {
      const res = await call(st.svc.dispute, 'GET', `/disputes?orderId=${w.orderId}`, { token: tok(role, stranger(role)) });
      cell(
        `GET /disputes?orderId= as ${stranger(role)}`,
        res,
        res.status === 404 || (res.status === 200 && !JSON.stringify(res.body).includes(w.disputeId)) ? undefined : "another party's dispute is listed",
      );
    }

    // Own and staff cells last, reads before writes, deletes at the very end: writes may move state.
    for (const run of [...own, ...ownWrites, ...deletes]) await run();

    recordResult(`authz-matrix routes=${routes.filter((r) => !r.public).length} cells=${cells} failures=${failures.length}`);
    expect(failures).toEqual([]);
    expect(cells).toBeGreaterThan(300);
  }, 90_000);
});
