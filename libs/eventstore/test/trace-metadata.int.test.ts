import { context, trace } from '@opentelemetry/api';
import { type TestDatabase, testDatabase } from '@bp/testing';
import { contextFromHeaders, recordSpansInMemory, setupTracing } from '@bp/tracing';
import { type EventStore, START, commandHandler, createEventStore } from '../src';
import { counter, meta } from './fixtures';

// The trace a command runs in is kept in its events' metadata, so the outbox relay can continue it
// on the wire (ce_traceparent) however much later it publishes.
let db: TestDatabase;
let store: EventStore;
let tracing: ReturnType<typeof setupTracing>;

beforeAll(async () => {
  recordSpansInMemory(); // tracing on (and the active span carried across awaits)
  tracing = setupTracing({ service: 'order', exporter: 'none', logger: { info: () => {} } });
  db = await testDatabase('es_trace');
  store = createEventStore({ pool: db.pool, schema: db.schema });
  await store.migrate();
});
afterAll(async () => {
  await tracing.shutdown();
  await db.close();
});

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
/** Read-all hides what any older transaction on the server (other tests) might still precede: wait for it. */
const readAll = async (streamId: string) => {
  for (const until = Date.now() + 10_000; ; ) {
    const events = (await store.readAll({ after: START, limit: 1000 })).events.filter((e) => e.streamId === streamId);
    if (events.length > 0 || Date.now() > until) return events;
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('trace context in event metadata', () => {
  it('an append inside a span stores its traceparent and tracestate; read-all gives them back', async () => {
    const parent = contextFromHeaders({ traceparent, tracestate: 'vendor=1' });
    await context.with(parent, () => store.withTransaction((tx) => store.appendToStream(tx, 'traced-1', 0, [{ type: 'Added', data: { by: 1 } }], meta())));
    const [e] = await readAll('traced-1');
    expect(e!.trace).toEqual({ traceparent, tracestate: 'vendor=1' });
    const { rows } = await db.pool.query(`SELECT metadata FROM ${db.schema}.events WHERE stream_id = 'traced-1'`);
    expect(rows[0].metadata).toMatchObject({ correlationId: 'corr-1', traceparent, tracestate: 'vendor=1' });
  });

  it("a command handled in a span (an HTTP request's, a consumed message's) stamps the span's context on every event it appends", async () => {
    const handle = commandHandler({ store, decider: counter, streamId: (c) => c.data.id });
    const span = tracing.tracer!.startSpan('POST /counters');
    await context.with(trace.setSpan(context.active(), span), () => handle({ type: 'Add', data: { id: 'traced-2', by: 2 } }, { metadata: meta() }));
    span.end();
    const [e] = await readAll('traced-2');
    expect(e!.trace).toEqual({ traceparent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01` });
  });

  it('outside any span (tracing off, a timer) the metadata is as before', async () => {
    await store.withTransaction((tx) => store.appendToStream(tx, 'plain-1', 0, [{ type: 'Added', data: { by: 1 } }], meta()));
    const [e] = await readAll('plain-1');
    expect(e).not.toHaveProperty('trace');
    const { rows } = await db.pool.query(`SELECT metadata FROM ${db.schema}.events WHERE stream_id = 'plain-1'`);
    expect(Object.keys(rows[0].metadata).sort()).toEqual(['actor', 'causationId', 'correlationId']);
  });
});
