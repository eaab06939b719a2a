import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { autoAck, createEventService, eventStream, MemoryBroker } from '../../src';
import { collect, uniqueName } from '../conformance/helpers';

/** `@opentelemetry/api` installed, no SDK registered: the state of most applications that have the API through a dependency. */
describe('tracing - with @opentelemetry/api and no SDK', () => {
  afterEach(() => {
    trace.disable();
    jest.restoreAllMocks();
  });

  it('tracing - a produce and a delivery without a trace to continue start no span while no SDK is registered, and is traced once one is registered, by a service made before it', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    const broker = new MemoryBroker();
    const service = createEventService({ group: 'A', broker });
    const late = createEventService({ group: 'B', broker }); // made before the SDK is registered
    try {
      // every span the library starts, by name (a no-op tracer's span would count too)
      const started: string[] = [];
      const getTracer = trace.getTracer.bind(trace);
      jest.spyOn(trace, 'getTracer').mockImplementation((...args: Parameters<typeof trace.getTracer>) => {
        const tracer = getTracer(...args);
        return { ...tracer, startSpan: (name: string, ...rest: unknown[]) => (started.push(name), (tracer.startSpan as (...all: unknown[]) => ReturnType<typeof tracer.startSpan>)(name, ...rest)), startActiveSpan: tracer.startActiveSpan.bind(tracer) };
      });
      const consumed = collect(service.consume(stream).pipe(autoAck()), 5);
      await service.produce(stream, 1, 2, 3, 4, 5);
      expect((await consumed).map((delivery) => delivery.value)).toEqual([1, 2, 3, 4, 5]);
      expect(started).toEqual([]);
      jest.restoreAllMocks();

      const exporter = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      const later = collect(late.consume(stream, { from: 'start' }).pipe(autoAck()), 5);
      expect((await later).map((delivery) => delivery.value)).toEqual([1, 2, 3, 4, 5]);
      expect(exporter.getFinishedSpans().filter((span) => span.name === `process ${stream.name}`)).toHaveLength(5);
    } finally {
      await Promise.all([service.close(), late.close()]);
    }
  });
});
