/**
 * What tracing costs per traced hop, in CPU on this process (issue 19 item 6): one hop of a
 * lifecycle as the code runs it: a SERVER span continuing a traceparent, the append's metadata
 * injection, a PRODUCER span per published event with its ce_traceparent, a CONSUMER span continuing
 * it with the handler inside; every span exported as a JSON line (console exporter) to /dev/null.
 * Off is what a service does with OTEL_TRACES_EXPORTER=none: the append still asks for the active
 * context (none), nothing else runs.
 *
 *   node --require ./tools/swc-register.js tests/bench/tracing.bench.ts
 *
 * Env: BENCH_HOPS (default 50000). Prints µs of CPU per hop off and on.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { inProcessSpan, startPublishSpan } from '@bp/messaging';
import type { StoredEvent } from '@bp/eventstore';
import { contextFromHeaders, setupTracing, traceCarrierOf } from '@bp/tracing';
import pino from 'pino';

const HOPS = Number(process.env.BENCH_HOPS ?? 50_000);
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const event = { id: '5b2f3c1e-0000-4000-8000-000000000000', trace: { traceparent } } as unknown as StoredEvent;

const cpuMicros = async (fn: () => Promise<void>): Promise<number> => {
  const start = process.cpuUsage();
  for (let i = 0; i < HOPS; i++) {
    await fn();
    // Let the batch span processor's timer run, as a service's event loop would between requests.
    if (i % 100 === 0) await new Promise((r) => setImmediate(r));
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / HOPS;
};

const main = async () => {
  const off = async () => {
    traceCarrierOf(); // the append's look for an active span: there is none
  };
  const log = pino({ level: 'info' }, pino.destination('/dev/null'));
  let lines = 0;
  const tracing = setupTracing({ service: 'order', exporter: 'console', logger: { info: (o, m) => (lines++, log.info(o, m)) } });
  const tracer = tracing.tracer!;
  const on = async () => {
    const server = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER }, contextFromHeaders({ traceparent }));
    const stored = await context.with(trace.setSpan(context.active(), server), async () => ({ ...event, trace: traceCarrierOf()! }));
    server.end();
    const { span, carrier } = startPublishSpan(tracer, stored, 'orders.v1', 'marketplace.order.placed.v1');
    span.end();
    await inProcessSpan(
      tracer,
      { groupId: 'g', topic: 'orders.v1', partition: 0, offset: '1', headers: { ce_traceparent: carrier!.traceparent } },
      async () => {
        traceCarrierOf(); // the next command's append
        return { outcome: 'handled' };
      },
    );
  };
  await cpuMicros(off); // warm-up
  await cpuMicros(on);
  const results = { off: await cpuMicros(off), on: await cpuMicros(on) };
  await tracing.shutdown();
  console.log(
    `tracing bench: ${HOPS} hops (server span, append metadata, publish span, consumer span, console exporter to /dev/null: ${lines} span lines of ${6 * HOPS} ended)`,
  );
  console.log(`CPU per hop: off ${results.off.toFixed(2)} µs, on ${results.on.toFixed(1)} µs`);
};

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
