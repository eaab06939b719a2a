import { BUILD_TIMEOUT_MS, ensureBuilt, node } from '../support/builtPackage';

/**
 * An application's script: registers an OpenTelemetry SDK that keeps spans in memory, produces one
 * event inside a span `request` on the memory broker, consumes and acks it, and prints the finished
 * spans (in the order they ended) with the names of their parent and links.
 */
const script = (load: string) => `
${load}
const exporter = new InMemorySpanExporter();
api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const service = lib.createEventService({ group: 'billing', broker: new lib.MemoryBroker() });
const jobs = lib.eventStream('jobs');
api.trace.getTracer('app').startActiveSpan('request', async (request) => {
  const [id] = await service.produce(jobs, { n: 1 });
  request.end();
  const delivery = await new Promise((resolve) => service.consume(jobs, { from: 'start' }).subscribe(resolve));
  await delivery.ack();
  await service.close();
  const spans = exporter.getFinishedSpans();
  const nameOf = (spanId) => spans.find((span) => span.spanContext().spanId === spanId)?.name ?? null;
  console.log(JSON.stringify({ id, spans: spans.map((span) => ({
    name: span.name,
    kind: api.SpanKind[span.kind],
    parent: span.parentSpanContext ? nameOf(span.parentSpanContext.spanId) : null,
    links: span.links.map((link) => nameOf(link.context.spanId)),
    sameTrace: span.spanContext().traceId === request.spanContext().traceId,
    attributes: span.attributes,
  })) }));
});
`;

const SDK = ['BasicTracerProvider', 'InMemorySpanExporter', 'SimpleSpanProcessor'];
const cjs = `const api = require('@opentelemetry/api'); const { ${SDK.join(', ')} } = require('@opentelemetry/sdk-trace-base');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks'); const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const lib = require('rx-redis-events');`;
const esm = `import * as api from '@opentelemetry/api'; import { ${SDK.join(', ')} } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'; import { W3CTraceContextPropagator } from '@opentelemetry/core';
import * as lib from 'rx-redis-events';`;

const expected = (id: string) => [
  { name: 'send jobs', kind: 'PRODUCER', parent: 'request', links: [], sameTrace: true, attributes: { 'messaging.system': 'redis', 'messaging.operation.type': 'send', 'messaging.operation.name': 'send', 'messaging.destination.name': 'jobs' } },
  { name: 'request', kind: 'INTERNAL', parent: null, links: [], sameTrace: true, attributes: {} },
  {
    name: 'process jobs',
    kind: 'CONSUMER',
    parent: 'send jobs',
    links: ['send jobs'],
    sameTrace: true,
    attributes: {
      'messaging.system': 'redis',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'jobs',
      'messaging.consumer.group.name': 'billing',
      'messaging.message.id': id,
      'messaging.redis.delivery_count': 1,
    },
  },
];

describe('tracing - the built package loads @opentelemetry/api in both module formats', () => {
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

  it.each([
    ['CommonJS', ['-e', script(cjs)]],
    ['ES module', ['--input-type=module', '-e', script(esm)]],
  ])('tracing - %s: produce and process spans of one trace reach the SDK of the application', (_format, args) => {
    const { id, spans } = JSON.parse(node(args)) as { id: string; spans: unknown[] };
    expect(spans).toEqual(expected(id));
  });
});
