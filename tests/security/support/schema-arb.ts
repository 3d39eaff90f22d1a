// A small JSON-Schema -> fast-check generator for fuzzing: values near the schema (every boundary
// of lengths, ranges and enums, optional fields on and off) and values that break it (wrong types,
// missing required fields, unknown fields, huge and hostile strings, deep nesting).
import fc from 'fast-check';
import type { JsonSchema } from './stack';

/** Strings that break naive code; NUL included (Postgres refuses it in text and jsonb: 400, never 500). */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  'null',
  'NaN',
  'Infinity',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '\ud800',
  '😀'.repeat(50),
  "' OR 1=1 --",
  '"; DROP TABLE x; --',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'nul\u0000byte',
  '\u0000',
  'a'.repeat(10_000),
  '9'.repeat(400),
  '2024-02-30T25:61:61Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  'P99999999Y',
  'PT-1S',
];
export const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  1e-300,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
];

const anything: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, [], {}, ...HOSTILE_STRINGS, ...HOSTILE_NUMBERS),
  fc.jsonValue({ maxDepth: 3 }),
);

export type Resolve = (s: JsonSchema) => JsonSchema;

export const resolver = (components: Record<string, unknown> = {}): Resolve => {
  const resolve = (s: JsonSchema): JsonSchema => {
    if (s && typeof s.$ref === 'string') {
      const name = s.$ref.split('/').pop()!;
      return resolve((components[name] ?? {}) as JsonSchema);
    }
    return s ?? {};
  };
  return resolve;
};

const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });

/** Values shaped by `schema`, favouring its boundaries. */
export const nearSchema = (schema: JsonSchema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> => {
  const s = resolve(schema);
  if (depth > 6) return fc.constant(null);
  const branches = s.anyOf ?? s.oneOf;
  if (Array.isArray(branches) && branches.length) return fc.oneof(...branches.map((b: JsonSchema) => nearSchema(b, resolve, depth + 1)));
  if (Array.isArray(s.allOf) && s.allOf.length) return nearSchema(s.allOf[0], resolve, depth + 1);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum))
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...s.enum) },
      { weight: 1, arbitrary: fc.constantFrom('', 'UNKNOWN', String(s.enum[0]).toLowerCase()) },
    );
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 64, 5000);
      const lengths = [...new Set([Math.max(0, min - 1), min, max, max + 1, Math.min(max, 8)])];
      const byFormat =
        s.format === 'date-time'
          ? [fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString())]
          : s.format === 'uri' || s.format === 'url'
            ? [fc.webUrl(), fc.constantFrom('http://127.0.0.1:9/x', 'file:///etc/passwd', 'javascript:alert(1)', 'http://[::1]:0/')]
            : s.format === 'email'
              ? [fc.emailAddress()]
              : [];
      return fc.oneof(
        ...byFormat,
        fc.constantFrom(...lengths).chain((n) => fc.string({ minLength: n, maxLength: n })),
        fc.string({ minLength: min, maxLength: Math.min(max, 40) }),
        fc.constantFrom(...HOSTILE_STRINGS),
      );
    }
    case 'integer':
    case 'number': {
      const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : undefined);
      const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum : undefined);
      const edges = [lo, hi].filter((x): x is number => typeof x === 'number').flatMap((x) => [x - 1, x, x + 1]);
      return fc.oneof(fc.constantFrom(...edges, ...HOSTILE_NUMBERS), type === 'integer' ? fc.integer() : fc.double({ noNaN: true }));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = nearSchema(s.items ?? {}, resolve, depth + 1);
      const max = Math.min(s.maxItems ?? 5, 60);
      return fc.oneof(
        fc.array(item, { minLength: s.minItems ?? 0, maxLength: Math.min(max, 5) }),
        fc.array(item, { minLength: max + 1, maxLength: max + 1 }),
        fc.constant([]),
      );
    }
    case 'object':
    default: {
      const props: Record<string, JsonSchema> = s.properties ?? {};
      const required: string[] = s.required ?? [];
      if (!Object.keys(props).length) return type === 'object' ? fc.constant({}) : anything;
      const rec: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) rec[k] = nearSchema(v, resolve, depth + 1);
      return fc.record(rec, { requiredKeys: required.filter((k) => k in rec) as never[] });
    }
  }
};

/** Values that break `schema` in one way or many. */
export const breakSchema = (schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> => {
  const s = resolve(schema);
  const near = nearSchema(s, resolve);
  const required: string[] = s.required ?? [];
  const asObject = near.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)) as fc.Arbitrary<Record<string, unknown>>;
  const mutations: fc.Arbitrary<unknown>[] = [
    anything,
    fc.constant(deep(200)),
    fc.array(anything, { maxLength: 3 }),
    asObject.chain((o) => fc.tuple(fc.constant(o), fc.string({ minLength: 1, maxLength: 12 }), anything)).map(([o, k, v]) => ({ ...o, [k]: v })),
  ];
  if (required.length)
    mutations.push(asObject.chain((o) => fc.constantFrom(...required).map((k) => Object.fromEntries(Object.entries(o).filter(([x]) => x !== k)))));
  const keys = Object.keys(s.properties ?? {});
  if (keys.length) {
    mutations.push(asObject.chain((o) => fc.tuple(fc.constant(o), fc.constantFrom(...keys), anything)).map(([o, k, v]) => ({ ...o, [k]: v })));
  }
  return fc.oneof(...mutations);
};

export const paramValue = (schema: JsonSchema | undefined, resolve: Resolve, real: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...real) },
    { weight: 2, arbitrary: nearSchema(schema ?? { type: 'string' }, resolve).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter((x) => x.length < 300)) },
  );
