// OpenAPI-driven fuzzing (issue 11 "Input"; reliability.md T15): every operation each service
// documents at /docs/json gets requests generated from its own schemas (boundary values, schema
// breakers, malformed and mistyped payloads, hostile path and query values, odd headers), sent
// through app.inject with valid tokens of the roles the route allows, half of them the real
// parties of a real order and dispute so the domain code runs. No answer may be a 5xx.
// Deterministic: a fixed seed; a failure lists the exact requests.
import fc from 'fast-check';
import type { Role } from '@bp/contracts';
import { recordResult } from './support/results';
import { breakSchema, nearSchema, paramValue, resolver } from './support/schema-arb';
import { documentedOperations, type JsonSchema, type OpenApiOperation, type RunningStack, startStack } from './support/stack';
import { BUYER, PARTNER, SELLER, seedWorld, type World } from './support/world';

const PER_OPERATION = 125;
const SEED = 20_240_611;

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

const RAW_BODIES: [string, string][] = [
  ['application/json', '{'],
  ['application/json', '{"a":1,"a":2}'],
  ['application/json', 'null'],
  ['application/json', '[]'],
  ['application/json', '"text"'],
  ['application/json', '12345678901234567890123456789'],
  ['application/json', '{"__proto__":{"polluted":true}}'],
  ['application/json', '{"constructor":{"prototype":{"polluted":true}}}'],
  ['application/json', ''],
  ['application/json; charset=latin1', '{"x":"\u00e9"}'],
  ['text/plain', 'hello'],
  ['application/x-www-form-urlencoded', 'a=1&b=2'],
  ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nnot a png\r\n--xyz--'],
  ['multipart/form-data', 'no boundary'],
  ['application/xml', '<a/>'],
];

/** Percent-encodes; a lone surrogate becomes its (invalid UTF-8) CESU bytes, itself a fuzz case. */
const enc = (v: string): string => {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
};

const OWNER: Record<Role, string> = { buyer: BUYER, seller: SELLER, partner: PARTNER, agent: 'agent-1', ops: 'ops-1' };

describe('OpenAPI-driven fuzzing', () => {
  let st: RunningStack;
  let w: World;
  beforeAll(async () => {
    st = await startStack('sec_fuzz');
    w = await seedWorld(st);
  }, 120_000);
  afterAll(async () => {
    await st?.stop();
  }, 60_000);

  it(`≥ 5,000 generated requests (${PER_OPERATION} per documented operation): no 5xx`, async () => {
    const real = [w.orderId, w.disputeId, w.extensionId, w.webhookId, w.deliveryId, w.inboxId, BUYER, SELLER, 'sandbox'];
    const serverErrors: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    let operations = 0;
    for (const [name, s] of Object.entries(st.svc)) {
      const { doc } = await documentedOperations(s);
      const resolve = resolver(doc.components?.schemas as Record<string, unknown>);
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item as Record<string, OpenApiOperation>)) {
          // The simulated clock's routes move the whole deployment's time (and call the other services'
          // URLs): not an input surface of the product.
          if (path.startsWith('/ops/') || !['get', 'post', 'put', 'delete'].includes(method)) continue;
          operations++;
          const route = st.routes.find((r) => r.service === name && r.method === method.toUpperCase() && r.url === path.replace(/\{(\w+)\}/g, ':$1'));
          const roles: Role[] = route?.public ? [] : [...(route?.roles ?? ['ops'])];
          const params = (op.parameters ?? []).filter((p) => p.in === 'path');
          const query = (op.parameters ?? []).filter((p) => p.in === 'query');
          const bodySchema: JsonSchema | undefined = op.requestBody?.content?.['application/json']?.schema;
          const writes = method !== 'get' && method !== 'delete';

          const pathArb = fc.tuple(...params.map((p) => paramValue(p.schema, resolve, real))).map((vals) =>
            params.reduce((u, p, i) => u.replace(`{${p.name}}`, enc(vals[i] ?? '')), path),
          );
          const queryArb = fc
            .tuple(...query.map((p) => fc.option(paramValue(p.schema, resolve, [...real, '10', '100', 'buyer', 'seller']), { nil: undefined })))
            .map((vals) => query.flatMap((p, i) => (vals[i] === undefined ? [] : [`${enc(p.name)}=${enc(vals[i]!)}`])).join('&'));
          const bodyArb: fc.Arbitrary<{ type: string; payload: string } | undefined> = !writes
            ? fc.constant(undefined)
            : fc.oneof(
                { weight: 5, arbitrary: nearSchema(bodySchema ?? { type: 'object' }, resolve).map((v) => ({ type: 'application/json', payload: JSON.stringify(v) ?? 'null' })) },
                { weight: 4, arbitrary: breakSchema(bodySchema ?? { type: 'object' }, resolve).map((v) => ({ type: 'application/json', payload: JSON.stringify(v) ?? 'null' })) },
                { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES).map(([type, payload]) => ({ type, payload })) },
              );
          const authArb = roles.length
            ? fc.tuple(fc.constantFrom(...roles), fc.integer({ min: 0, max: 99 })).map(([role, n]) => ({ role, sub: n < 45 ? OWNER[role] : `${role}-fz${n}` }))
            : fc.constant(undefined);
          const headerArb = fc.record(
            {
              'if-match': fc.constantFrom('"0"', '"1"', '"99999999999999999"', 'W/"2"', '*', 'garbage', '"-1"'),
              'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom('', 'k'.repeat(300), '../x', '\u00e9')),
              'x-correlation-id': fc.constantFrom('abc', 'x'.repeat(500), 'a b', '\u00e9'),
              'x-sandbox-signature': fc.constantFrom('t=1,v1=00', 'garbage'),
            },
            { requiredKeys: [] },
          );
          const requests = fc.sample(
            fc.tuple(pathArb, queryArb, bodyArb, authArb, headerArb).map(([p, q, body, auth, extra]): FuzzRequest => {
              const headers: Record<string, string> = { ...extra };
              if (auth) headers.authorization = `Bearer ${s.token(auth.role, auth.sub)}`;
              if (body) headers['content-type'] = body.type;
              return { method: method.toUpperCase(), url: q ? `${p}?${q}` : p, headers, ...(body ? { payload: body.payload } : {}) };
            }),
            { numRuns: PER_OPERATION, seed: SEED + operations },
          );
          for (const r of requests) {
            let status: number;
            let text: string;
            try {
              const res = await s.service.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, ...(r.payload !== undefined ? { payload: r.payload } : {}) });
              status = res.statusCode;
              text = res.body;
            } catch (e) {
              status = 599;
              text = `inject threw: ${(e as Error).message}`;
            }
            sent++;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status >= 500) serverErrors.push(`${name} ${r.method} ${r.url.slice(0, 200)} ${JSON.stringify({ ...r.headers, authorization: r.headers.authorization ? 'Bearer …' : undefined })} body=${r.payload?.slice(0, 300)} -> ${status} ${text.slice(0, 300)}`);
          }
        }
      }
    }
    recordResult(`fuzz operations=${operations} requests=${sent} 5xx=${serverErrors.length} statuses=${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(serverErrors).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(5000);
    // The generator reaches the domain, not only validation: some requests succeed.
    expect([...statuses].filter(([code]) => code < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(200);
  }, 120_000);
});
