import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ackAfter, eventStream, type Delivery } from '../../src';
import type { BackendContext, ConformanceBackend } from '../conformance/backend';
import { uniqueName } from '../conformance/helpers';
import { memoryBackend } from '../conformance/memoryBackend';
import { redisBackend } from '../conformance/redisBackend';
import { eventually } from '../support/eventually';

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
/** `server.address` and `server.port` of the backend's server (none in memory). */
const serverAttributes = (ctx: BackendContext) => (ctx.server ? { 'server.address': ctx.server.address, 'server.port': ctx.server.port } : {});
const sendAttributes = (ctx: BackendContext, stream: string) => ({ 'messaging.system': 'redis', 'messaging.operation.type': 'send', 'messaging.operation.name': 'send', 'messaging.destination.name': stream, ...serverAttributes(ctx) });
const processAttributes = (ctx: BackendContext, stream: string, group: string, id: string, deliveryCount: number) => ({
  'messaging.system': 'redis',
  'messaging.operation.type': 'process',
  'messaging.operation.name': 'process',
  'messaging.destination.name': stream,
  ...serverAttributes(ctx),
  'messaging.consumer.group.name': group,
  'messaging.message.id': id,
  'messaging.redis.delivery_count': deliveryCount,
});

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

  it('tracing - produce runs in a producer span "send <stream>" whose context travels with each event; every group handles it in a consumer span "process <stream>" of the same trace, its child and linked to it', async () => {
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
    let ids: string[] = [];
    await tracer.startActiveSpan('request', async (request) => {
      ids = await producer.produce(jobs, { n: 1 }, { n: 2 });
      request.end();
    });
    await eventually('both groups handled both events', () => handledIn.A?.length === 2 && handledIn.B?.length === 2);
    await eventually('every span ended', () => exporter.getFinishedSpans().length === 1 + 1 + 4 + 4);
    subscriptions.forEach((subscription) => subscription.unsubscribe());

    const spans = exporter.getFinishedSpans();
    const [request] = spans.filter((span) => span.name === 'request');
    const [publish, ...more] = spans.filter((span) => span.name === `send ${jobs.name}`);
    const processed = spans.filter((span) => span.name === `process ${jobs.name}`);
    expect(request).toBeDefined();
    expect(more).toEqual([]);
    expect({ kind: publish?.kind, attributes: publish?.attributes }).toEqual({ kind: SpanKind.PRODUCER, attributes: { ...sendAttributes(ctx, jobs.name), 'messaging.batch.message_count': 2 } });
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
    const byGroupAndId = (span: ReadableSpan) => `${String(span.attributes['messaging.consumer.group.name'])} ${String(span.attributes['messaging.message.id'])}`;
    expect([...processed].sort((a, b) => byGroupAndId(a).localeCompare(byGroupAndId(b))).map((span) => span.attributes)).toEqual(
      ['A', 'B'].flatMap((group) => ids.map((id) => processAttributes(ctx, jobs.name, group, id, 1))),
    );
    for (const group of ['A', 'B']) {
      for (const n of [1, 2]) {
        const [work] = spans.filter((span) => span.name === `work ${group} ${n}`);
        const consumerSpan = processed.find((span) => span.spanContext().spanId === parentOf(work as ReadableSpan));
        expect(consumerSpan?.attributes['messaging.consumer.group.name']).toBe(group);
      }
    }
  });

  it('tracing - a nacked delivery ends its consumer span with status ERROR and the error; the redelivery gets a span of its own; a send of one event has no batch count', async () => {
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
    let id = '';
    await trace.getTracer('spec').startActiveSpan('request', async (request) => {
      [id = ''] = await service.produce(jobs, { n: 1 });
      request.end();
    });
    await eventually('two consumer spans', () => exporter.getFinishedSpans().filter((span) => span.name === `process ${jobs.name}`).length === 2);
    subscription.unsubscribe();
    const spans = exporter.getFinishedSpans();
    const sent = spans.filter((span) => span.name === `send ${jobs.name}`);
    expect(sent.map((span) => span.attributes)).toEqual([sendAttributes(ctx, jobs.name)]);
    const processed = spans.filter((span) => span.name === `process ${jobs.name}`);
    expect(processed.map((span) => [span.attributes, span.status, parentOf(span)])).toEqual([
      [processAttributes(ctx, jobs.name, 'A', id, 1), { code: SpanStatusCode.ERROR, message: 'first attempt fails' }, sent[0]?.spanContext().spanId],
      [processAttributes(ctx, jobs.name, 'A', id, 2), { code: SpanStatusCode.OK }, sent[0]?.spanContext().spanId],
    ]);
  });

  it('tracing - an entry without trace context (written by another client) is processed in a consumer span of a trace of its own, without links', async () => {
    const jobs = eventStream<Job>(uniqueName('jobs'));
    const service = ctx.createService({ group: 'A' });
    const id = await ctx.appendRaw(jobs.name, { v: '{"json":{"n":7}}' });
    const values: number[] = [];
    const subscription = service
      .consume(jobs, { from: 'start' })
      .pipe(ackAfter((delivery: Delivery<Job>) => void values.push(delivery.value.n)))
      .subscribe();
    await eventually('the event', () => values.length === 1);
    subscription.unsubscribe();
    expect(values).toEqual([7]);
    await eventually('the consumer span', () => exporter.getFinishedSpans().length === 1);
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.kind, span.attributes, span.parentSpanContext, span.links, span.status])).toEqual([
      [`process ${jobs.name}`, SpanKind.CONSUMER, processAttributes(ctx, jobs.name, 'A', id, 1), undefined, [], { code: SpanStatusCode.OK }],
    ]);
  });
});
