/**
 * OpenTelemetry tracing: with `@opentelemetry/api` installed and an SDK registered by the
 * application, `produce` runs in a `send <stream>` span whose context travels with each event, and
 * every delivery is handled in a `process <stream>` span, its child, in the same trace as the request
 * that produced it. The SDK here keeps the spans in memory and prints them; a real service would
 * export them (OTLP, Jaeger, ...).
 *
 * Run: `EXAMPLE=tracing npm run example` (in memory) or with `REDIS_URL=redis://...` for Redis.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, } from '@opentelemetry/sdk-trace-base';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ackAfter, createEventService, eventStream, MemoryBroker } from 'rx-redis-events';

interface Invoice {
  invoiceId: string;
  cents: number;
}

export const Invoices = eventStream<Invoice>('invoices', { key: (invoice) => invoice.invoiceId });

/** What the run recorded: each finished span as `name <- parent name`, in the order they ended. */
export interface TracingSummary {
  readonly spans: string[];
  readonly traces: number;
}

export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<TracingSummary> {
  const log = env.log ?? console.log;
  // The application registers the SDK once at startup; the library only uses @opentelemetry/api.
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  const backend = { ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }), prefix: `example:${Date.now()}:` };
  const api = createEventService({ ...backend, group: 'api' });
  const billing = createEventService({ ...backend, group: 'billing' });
  try {
    const tracer = trace.getTracer('example');
    const handled = firstValueFrom(
      billing.consume(Invoices, { from: 'start' }).pipe(
        ackAfter(() => tracer.startActiveSpan('charge card', (span) => span.end())), // runs in the process span
        take(2),
        toArray(),
      ),
    );
    await tracer.startActiveSpan('POST /invoices', async (request) => {
      await api.produce(Invoices, { invoiceId: 'i-1', cents: 1250 }, { invoiceId: 'i-2', cents: 900 });
      request.end();
    });
    await handled; // ackAfter emits once acked: the process spans have ended
    const spans = exporter.getFinishedSpans();
    const nameOf = (spanId: string | undefined) => spans.find((span) => span.spanContext().spanId === spanId)?.name ?? '(root)';
    const summary = { spans: spans.map((span) => `${span.name} <- ${nameOf(span.parentSpanContext?.spanId)}`), traces: new Set(spans.map((span) => span.spanContext().traceId)).size };
    log(`backend: ${env.redisUrl ? `redis (${env.redisUrl})` : 'memory'}`);
    for (const line of summary.spans) log(`span:    ${line}`);
    log(`traces:  ${summary.traces}`);
    return summary;
  } finally {
    await Promise.all([api.close(), billing.close()]);
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
