// OpenAPI-driven fuzzing (issue 11 "Input"; reliability.md T15): every operation each service
// documents at /docs/json gets requests generated from its own schemas (boundary values, schema
// breakers, malformed and mistyped payloads, hostile path and query values, odd headers), sent
// through app.inject with valid tokens of the roles the route allows, half of them the real
// parties of a real order and dispute so the domain code runs. No answer may be a 5xx.
// Deterministic: a fixed seed; a failure lists the exact requests. A second pass (issue 17) does
// boundary arithmetic on every write route's valid body: integer fields at and past the safe-integer
// edge, products and sums that overflow (quantity x unit price, repeated lines), -0, 1e308.
import fc from 'fast-check';
import type { Role } from '@bp/contracts';
import { recordResult } from './support/results';
import { validBody } from './support/bodies';
import { breakSchema, nearSchema, paramValue, resolver } from './support/schema-arb';
import { documentedOperations, fill, type JsonSchema, type OpenApiOperation, type RunningStack, startStack } from './support/stack';
import { BUYER, PARTNER, SELLER, seedWorld, type World } from './support/world';

const PER_OPERATION = 125;
const ARITHMETIC_PER_ROUTE = 30;
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

/** Numbers at the safe-integer edge and factors whose products or sums cross it. */
const ARITHMETIC = [
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER - 1,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 52,
  4_503_599_627_370_497, // 2^52 + 1: two of them overflow
  9_000_000_000_000, // x 1,000,000: the reported 500
  1_000_000,
  94_906_267, // ~sqrt(2^53): squared, just past the edge
  2 ** 31,
  2 ** 32,
  1e21,
  1e308,
  -0,
  0,
  1,
];
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** The valid body with its integer leaves replaced by `values` in turn and its object arrays repeated `times`. */
const arithmeticBody = (body: Json, values: number[], times: number): Json => {
  let i = 0;
  const walk = (v: Json): Json => {
    if (typeof v === 'number' && Number.isInteger(v)) return values[i++ % values.length]!;
    if (Array.isArray(v)) {
      const items = v.map(walk);
      return items.length && typeof items[0] === 'object' ? Array.from({ length: items.length * times }, (_, k) => walk(v[k % v.length]!)) : items;
    }
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(body);
};

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

          const pathArb = fc
            .tuple(...params.map((p) => paramValue(p.schema, resolve, real)))
            .map((vals) => params.reduce((u, p, i) => u.replace(`{${p.name}}`, enc(vals[i] ?? '')), path));
          const queryArb = fc
            .tuple(...query.map((p) => fc.option(paramValue(p.schema, resolve, [...real, '10', '100', 'buyer', 'seller']), { nil: undefined })))
            .map((vals) => query.flatMap((p, i) => (vals[i] === undefined ? [] : [`${enc(p.name)}=${enc(vals[i]!)}`])).join('&'));
          const bodyArb: fc.Arbitrary<{ type: string; payload: string } | undefined> = !writes
            ? fc.constant(undefined)
            : fc.oneof(
                {
                  weight: 5,
                  arbitrary: nearSchema(bodySchema ?? { type: 'object' }, resolve).map((v) => ({
                    type: 'application/json',
                    payload: JSON.stringify(v) ?? 'null',
                  })),
                },
                {
                  weight: 4,
                  arbitrary: breakSchema(bodySchema ?? { type: 'object' }, resolve).map((v) => ({
                    type: 'application/json',
                    payload: JSON.stringify(v) ?? 'null',
                  })),
                },
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
              // A GET waiting for a change (Prefer: wait, at most 1 s here so the run stays short).
              prefer: fc.constantFrom('wait=1', 'wait=0', 'wait=-1', 'wait=abc', 'wait=99999999999', 'respond-async, wait=1', 'return=minimal; wait=1'),
              'if-none-match': fc.constantFrom('"1"', '"2"', 'W/"1"', '*', 'garbage', '"99999999999999999"'),
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
              const res = await s.service.app.inject({
                method: r.method as 'GET',
                url: r.url,
                headers: r.headers,
                ...(r.payload !== undefined ? { payload: r.payload } : {}),
              });
              status = res.statusCode;
              text = res.body;
            } catch (e) {
              status = 599;
              text = `inject threw: ${(e as Error).message}`;
            }
            sent++;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status >= 500)
              serverErrors.push(
                `${name} ${r.method} ${r.url.slice(0, 200)} ${JSON.stringify({ ...r.headers, authorization: r.headers.authorization ? 'Bearer …' : undefined })} body=${r.payload?.slice(0, 300)} -> ${status} ${text.slice(0, 300)}`,
              );
          }
        }
      }
    }
    recordResult(
      `fuzz operations=${operations} requests=${sent} 5xx=${serverErrors.length} statuses=${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(serverErrors).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(5000);
    // The generator reaches the domain, not only validation: some requests succeed.
    expect([...statuses].filter(([code]) => code < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(200);
  }, 120_000);

  it('boundary arithmetic on every write route (issue 17): safe-integer edges, overflowing products and sums, -0, 1e308: no 5xx', async () => {
    const params = {
      orderId: w.orderId,
      extensionId: w.extensionId,
      disputeId: w.disputeId,
      buyerId: BUYER,
      sellerId: SELLER,
      userId: BUYER,
      id: w.webhookId,
      deliveryId: w.deliveryId,
    };
    const writes = st.routes.filter((r) => r.hasBody && !r.public && (r.method === 'POST' || r.method === 'PUT') && !r.url.startsWith('/ops/'));
    const serverErrors: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const [n, r] of writes.entries()) {
      // The world's order: a made-up one would only wait for its facts and be a 404.
      const base = JSON.parse(JSON.stringify(validBody(r.url)).replaceAll('"order-x"', JSON.stringify(w.orderId))) as Json;
      const role = (['buyer', 'seller', 'partner', 'agent', 'ops'] as const).find((x) => (r.roles ?? ['ops']).includes(x))!;
      const bodies = fc.sample(
        fc
          .tuple(fc.array(fc.constantFrom(...ARITHMETIC), { minLength: 8, maxLength: 8 }), fc.constantFrom(1, 2, 3, 20))
          .map(([values, times]) => arithmeticBody(base, values, times)),
        { numRuns: ARITHMETIC_PER_ROUTE, seed: SEED + 1000 + n },
      );
      // The reported request, always: 1,000,000 x 9,000,000,000,000 on POST /orders.
      if (r.url === '/orders')
        bodies.push({ ...(base as object), items: [{ sku: 'sku-1', title: 'Socks', quantity: 1_000_000, unitPrice: 9_000_000_000_000 }] });
      for (const body of bodies) {
        // JSON.stringify writes -0 as 0: send the literal text so the service parses a real -0.
        const payload = JSON.stringify(body).replace(/(:|\[|,)0(?=[,}\]])/g, '$1-0');
        const res = await st.svc[r.service].service.app.inject({
          method: r.method as 'POST',
          url: fill(r.url, params),
          headers: { authorization: `Bearer ${st.svc[r.service].token(role, OWNER[role])}`, 'content-type': 'application/json' },
          payload,
        });
        sent++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500)
          serverErrors.push(`${r.service} ${r.method} ${r.url} body=${payload.slice(0, 300)} -> ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
    }
    recordResult(
      `fuzz-arithmetic routes=${writes.length} requests=${sent} 5xx=${serverErrors.length} statuses=${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(serverErrors).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(writes.length * ARITHMETIC_PER_ROUTE);
    expect(statuses.get(422) ?? 0).toBeGreaterThan(0); // AMOUNT_TOO_LARGE and other domain refusals were reached
  }, 240_000);
});
