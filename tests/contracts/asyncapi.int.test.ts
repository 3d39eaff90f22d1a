// The generated AsyncAPI document is valid for @asyncapi/parser 3 (the reference implementation):
// no diagnostics of severity error, every payload and header schema in a format the parser knows
// (so it was validated, not skipped), and a broken payload is caught (the check has teeth).
import { ASYNCAPI_SCHEMA_FORMAT, buildAsyncApi, publicEvents } from '@bp/contracts';

// CommonJS entry (package.json "main": "cjs/index.js"); jest runs CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Parser, DiagnosticSeverity } = require('@asyncapi/parser') as typeof import('@asyncapi/parser');

type Diagnostic = { code: string | number; message: string; severity: number; path: (string | number)[] };

const parser = new Parser();
const parse = async (doc: object) => {
  const { document, diagnostics } = await parser.parse(doc as Parameters<typeof parser.parse>[0]);
  const list = diagnostics as Diagnostic[];
  return {
    document,
    errors: list.filter((d) => d.severity === DiagnosticSeverity.Error),
    warnings: list.filter((d) => d.severity === DiagnosticSeverity.Warning),
  };
};
const describeAll = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.path.join('/')}: ${d.message}`);

describe('AsyncAPI document (@asyncapi/parser)', () => {
  let parsed: Awaited<ReturnType<typeof parse>>;
  beforeAll(async () => {
    parsed = await parse(buildAsyncApi());
  });

  it('parses with no error and no warning diagnostics', () => {
    expect(describeAll(parsed.errors)).toEqual([]);
    expect(describeAll(parsed.warnings)).toEqual([]);
    expect(parsed.document).toBeDefined();
  });

  it('parses with servers too', async () => {
    const { errors, warnings } = await parse(
      buildAsyncApi({ version: '1.2.3', servers: { production: { host: 'kafka.example.com:9092', protocol: 'kafka' } } }),
    );
    expect(describeAll(errors)).toEqual([]);
    expect(describeAll(warnings)).toEqual([]);
  });

  it('exposes every public event as a message of its channel, received by partners', () => {
    const document = parsed.document!;
    const found = document
      .channels()
      .all()
      .flatMap((ch) =>
        ch
          .messages()
          .all()
          .map((m) => `${ch.address()} ${m.id()}`),
      );
    expect(found.sort()).toEqual(publicEvents.map((e) => `${e.topic} ${e.type}`).sort());
    expect(
      document
        .operations()
        .all()
        .every((op) => op.action() === 'receive'),
    ).toBe(true);
  });

  it('uses a schema format the parser validates (an unknown one would be skipped silently)', () => {
    for (const m of parsed.document!.allMessages().all()) {
      expect(m.payload()?.schemaFormat()).toBe(ASYNCAPI_SCHEMA_FORMAT);
      expect(m.headers()?.schemaFormat()).toBe(ASYNCAPI_SCHEMA_FORMAT);
    }
  });

  it('reports an invalid payload schema as an error', async () => {
    const doc = buildAsyncApi() as { components: { messages: Record<string, { payload: { schema: Record<string, unknown> } }> } };
    const first = Object.values(doc.components.messages)[0]!;
    first.payload.schema = { ...first.payload.schema, type: 'two' };
    const { errors } = await parse(doc);
    expect(errors.length).toBeGreaterThan(0);
  });
});
