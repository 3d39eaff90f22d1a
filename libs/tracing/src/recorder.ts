import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';

let recorder: InMemorySpanExporter | undefined;

/**
 * Test hook: every tracing set up afterwards in this process (every service a test starts) is on,
 * whatever its configuration, and also hands its finished spans to this one in-memory exporter.
 */
export const recordSpansInMemory = (): InMemorySpanExporter => (recorder ??= new InMemorySpanExporter());

/**
 * The recorder as one service's exporter. A service shutting down must not shut the shared recorder
 * (that would drop every span recorded so far), so shutdown here only detaches.
 */
export const recorderExporter = (): SpanExporter | undefined => {
  const r = recorder;
  if (!r) return undefined;
  return {
    export: (spans, done) => r.export(spans, done),
    shutdown: async () => {},
    forceFlush: async () => {},
  };
};
