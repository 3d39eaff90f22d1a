import { ASYNCAPI_SCHEMA_FORMAT, buildAsyncApi, publicEvents, Topics } from '../src';

interface Schema {
  schemaFormat: string;
  schema: { properties: Record<string, { const?: string }>; required?: string[] };
}
interface Message {
  name: string;
  title: string;
  summary: string;
  contentType: string;
  headers: Schema;
  payload: Schema;
  bindings: { kafka: { key: { type: string; 'x-data-field'?: string } } };
}
interface Doc {
  asyncapi: string;
  info: { version: string; description: string };
  servers?: Record<string, { host: string; protocol: string }>;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }>; bindings: { kafka: { topic: string } } }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: { messages: Record<string, Message> };
}

const build = (opts?: Parameters<typeof buildAsyncApi>[0]) => buildAsyncApi(opts) as Doc;
/** `#/a/b/c` of the document, as JSON pointers resolve it. */
const resolve = (doc: Doc, ref: string): unknown =>
  ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], doc);

describe('buildAsyncApi', () => {
  const doc = build();
  const channels = Object.values(doc.channels);

  it('is an AsyncAPI 3.0.0 document with one channel per public topic', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(channels.map((c) => c.address).sort()).toEqual(Object.values(Topics).sort());
    for (const c of channels) expect(c.bindings.kafka.topic).toBe(c.address);
  });

  it('holds every public event exactly once, in the channel of its topic', () => {
    const placed = channels.flatMap((c) => Object.keys(c.messages).map((type) => `${c.address} ${type}`));
    expect(placed.sort()).toEqual(publicEvents.map((e) => `${e.topic} ${e.type}`).sort());
    expect(new Set(placed).size).toBe(placed.length);
    expect(Object.keys(doc.components.messages).sort()).toEqual(publicEvents.map((e) => e.type).sort());
  });

  it.each(publicEvents.map((e) => [e.type, e] as const))('%s: named, described, ce_type in the headers, key binding', (_type, event) => {
    const m = doc.components.messages[event.type]!;
    expect(m).toMatchObject({ name: event.type, title: event.type, summary: event.description, contentType: 'application/json' });
    expect(m.headers.schemaFormat).toBe(ASYNCAPI_SCHEMA_FORMAT);
    expect(m.headers.schema.properties.ce_type?.const).toBe(event.ceType);
    expect(m.headers.schema.required).toEqual(
      expect.arrayContaining(['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_time', 'ce_subject', 'correlation_id']),
    );
    expect(Object.keys(m.headers.schema.properties)).toContain('causation_id');
    expect(m.payload.schemaFormat).toBe(ASYNCAPI_SCHEMA_FORMAT);
    expect(m.bindings.kafka.key.type).toBe('string');
    expect(m.bindings.kafka.key['x-data-field']).toBe(event.topic === Topics.buyers ? 'buyerId' : 'orderId');
  });

  it('one receive operation per channel, listing exactly that channel’s messages', () => {
    const ops = Object.values(doc.operations);
    expect(ops).toHaveLength(channels.length);
    for (const op of ops) {
      expect(op.action).toBe('receive');
      const channel = resolve(doc, op.channel.$ref) as Doc['channels'][string];
      expect(op.messages.map((m) => resolve(doc, m.$ref))).toEqual(Object.values(channel.messages));
      for (const ref of Object.values(channel.messages)) expect(resolve(doc, ref.$ref)).toBeDefined();
    }
  });

  it('states the partner contract in info.description', () => {
    for (const phrase of ['at least once', 'ce_id', 'per key', 'murmur2', 'murmur2_random']) expect(doc.info.description).toContain(phrase);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(build())).toBe(JSON.stringify(doc));
  });

  it('takes the version and servers from the options', () => {
    const withServers = build({ version: '2.1.0', servers: { production: { host: 'kafka.example.com:9092', protocol: 'kafka' } } });
    expect(withServers.info.version).toBe('2.1.0');
    expect(withServers.servers).toEqual({ production: { host: 'kafka.example.com:9092', protocol: 'kafka' } });
    expect(doc.servers).toBeUndefined();
  });
});
