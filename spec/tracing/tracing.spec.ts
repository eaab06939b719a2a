import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ackAfter, eventStream, type Delivery } from '../../src';
import type { BackendContext, ConformanceBackend } from '../conformance/backend';
import { uniqueName, waitFor } from '../conformance/helpers';
import { memoryBackend } from '../conformance/memoryBackend';
import { redisBackend } from '../conformance/redisBackend';

interface Job {
  n: number;
}

const exporter = new InMemorySpanExporter();

beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe.each<[string, () => ConformanceBackend]>([
  ['memory', memoryBackend],
  ['redis', redisBackend],
])('trace propagation (%s)', (_name, makeBackend) => {
  const backend = makeBackend();
  let ctx: BackendContext;
  beforeAll(() => backend.start());
  afterAll(() => backend.stop());
  beforeEach(() => {
    exporter.reset();
    ctx = backend.context();
  });
  afterEach(() => backend.cleanup());

  it('tracing - produce runs in a producer span whose context travels with each event; every group handles it in a consumer span of the same trace, linked to it', async () => {
    const jobs = eventStream<Job>(uniqueName('jobs'));
    const producer = ctx.createService({ group: 'P' });
    const handledIn: Record<string, string[]> = { A: [], B: [] };
    const tracer = trace.getTracer('spec');
    const subscriptions = ['A', 'B'].map((group) =>
      ctx
        .createService({ group })
        .consume(jobs, { from: 'start' })
        .pipe(
          ackAfter(async (delivery: Delivery<Job>) => {
            // the handler's own spans are children of the consumer span, across an await
            await Promise.resolve();
            tracer.startActiveSpan(`work ${group} ${delivery.value.n}`, (span) => span.end());
            handledIn[group]?.push(String(delivery.value.n));
          }),
        )
        .subscribe(),
    );
    await tracer.startActiveSpan('request', async (request) => {
      await producer.produce(jobs, { n: 1 }, { n: 2 });
      request.end();
    });
    await waitFor('both groups handled both events', () => handledIn.A?.length === 2 && handledIn.B?.length === 2);
    await waitFor('every span ended', () => exporter.getFinishedSpans().length === 1 + 1 + 4 + 4);
    subscriptions.forEach((subscription) => subscription.unsubscribe());

    const spans = exporter.getFinishedSpans();
    const [request] = spans.filter((span) => span.name === 'request');
    const [publish] = spans.filter((span) => span.name === `${jobs.name} publish`);
    const processed = spans.filter((span) => span.name === `${jobs.name} process`);
    expect(request).toBeDefined();
    expect(publish).toMatchObject({ kind: SpanKind.PRODUCER, attributes: { 'messaging.destination.name': jobs.name, 'messaging.batch.message_count': 2 } });
    expect(parentOf(publish as ReadableSpan)).toBe(request?.spanContext().spanId);
    expect(processed).toHaveLength(4);
    const traceId = request?.spanContext().traceId;
    for (const span of spans) expect(span.spanContext().traceId).toBe(traceId);
    for (const span of processed) {
      expect(span.kind).toBe(SpanKind.CONSUMER);
      expect(parentOf(span)).toBe(publish?.spanContext().spanId);
      expect(span.links.map((link) => link.context.spanId)).toEqual([publish?.spanContext().spanId]);
      expect(span.status.code).toBe(SpanStatusCode.OK);
    }
    expect(processed.map((span) => span.attributes['messaging.consumer.group.name']).sort()).toEqual(['A', 'A', 'B', 'B']);
    for (const group of ['A', 'B']) {
      for (const n of [1, 2]) {
        const [work] = spans.filter((span) => span.name === `work ${group} ${n}`);
        const consumerSpan = processed.find((span) => span.spanContext().spanId === parentOf(work as ReadableSpan));
        expect(consumerSpan?.attributes['messaging.consumer.group.name']).toBe(group);
      }
    }
  });

  it('tracing - a nacked delivery ends its consumer span with status ERROR and the error; the redelivery gets a span of its own', async () => {
    const jobs = eventStream<Job>(uniqueName('jobs'));
    const service = ctx.createService({ group: 'A' });
    let attempts = 0;
    const subscription = service
      .consume(jobs, { from: 'start' })
      .pipe(
        ackAfter(
          () => {
            attempts++;
            if (attempts === 1) throw new Error('first attempt fails');
          },
          { retry: { delays: [10] } },
        ),
      )
      .subscribe();
    await trace.getTracer('spec').startActiveSpan('request', async (request) => {
      await service.produce(jobs, { n: 1 });
      request.end();
    });
    await waitFor('two consumer spans', () => exporter.getFinishedSpans().filter((span) => span.name === `${jobs.name} process`).length === 2);
    subscription.unsubscribe();
    const processed = exporter.getFinishedSpans().filter((span) => span.name === `${jobs.name} process`);
    expect(processed.map((span) => [span.attributes['messaging.redis.delivery_count'], span.status])).toEqual([
      [1, { code: SpanStatusCode.ERROR, message: 'first attempt fails' }],
      [2, { code: SpanStatusCode.OK }],
    ]);
  });

  it('tracing - an entry without trace context (written by another client) is delivered without a consumer span', async () => {
    const jobs = eventStream<Job>(uniqueName('jobs'));
    const service = ctx.createService({ group: 'A' });
    await ctx.appendRaw(jobs.name, { v: '{"json":{"n":7}}' });
    const values: number[] = [];
    const subscription = service
      .consume(jobs, { from: 'start' })
      .pipe(ackAfter((delivery: Delivery<Job>) => void values.push(delivery.value.n)))
      .subscribe();
    await waitFor('the event', () => values.length === 1);
    subscription.unsubscribe();
    expect(values).toEqual([7]);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual([]);
  });
});
