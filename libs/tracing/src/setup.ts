import { context as contexts, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_NAMESPACE } from '@opentelemetry/semantic-conventions';
import { logSpanExporter, type SpanLogger } from './log-exporter';
import { recorderExporter } from './recorder';

/** `OTEL_TRACES_EXPORTER`: `none` (the default: no spans at all) or `console` (JSON lines on the log). */
export const TracesExporters = ['none', 'console'] as const;
export type TracesExporter = (typeof TracesExporters)[number];

export interface TracingOptions {
  /** `service.name` of every span, e.g. `order`. */
  service: string;
  exporter: TracesExporter;
  /** Where `console` writes. */
  logger: SpanLogger;
}

export interface ServiceTracing {
  /** Undefined when tracing is off: callers then take no tracing path at all. */
  tracer: Tracer | undefined;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/** Where the active span lives across awaits: one per process, set up by the first service traced. */
let contextManager: AsyncLocalStorageContextManager | undefined;
const propagateContext = (): void => {
  if (contextManager) return;
  contextManager = new AsyncLocalStorageContextManager().enable();
  // false: someone registered one already (an agent); theirs carries our spans just as well.
  if (!contexts.setGlobalContextManager(contextManager)) contextManager.disable();
};

/**
 * One service's tracer, with its own `service.name` (several services may share a process: tests,
 * `npm start` keeps them apart). Nothing is global but the context manager, which only carries the
 * active span across awaits. Off unless an exporter is configured or a test records spans.
 */
export const setupTracing = (o: TracingOptions): ServiceTracing => {
  const processors: SpanProcessor[] = [];
  if (o.exporter === 'console') processors.push(new BatchSpanProcessor(logSpanExporter(o.logger)));
  const recorder = recorderExporter();
  // Synchronous, so a test sees a span the moment it ends.
  if (recorder) processors.push(new SimpleSpanProcessor(recorder));
  if (processors.length === 0) return { tracer: undefined, shutdown: async () => {} };

  propagateContext();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: o.service, [ATTR_SERVICE_NAMESPACE]: 'buyer-protection' }),
    spanProcessors: processors,
  });
  return { tracer: provider.getTracer('@bp/tracing'), shutdown: () => provider.shutdown() };
};
