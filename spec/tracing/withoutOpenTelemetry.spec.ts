import { firstValueFrom } from 'rxjs';

jest.mock('@opentelemetry/api', () => {
  throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
});

describe('trace propagation without @opentelemetry/api', () => {
  it('tracing - when the package cannot be loaded, produce and consume work and entries carry no trace fields', async () => {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the mock above */
    const { loadOpenTelemetry } = require('../../src/tracing/loadOpenTelemetry') as typeof import('../../src/tracing/loadOpenTelemetry');
    const { createEventService, eventStream, MemoryBroker } = require('../../src') as typeof import('../../src');
    /* eslint-enable @typescript-eslint/no-require-imports */
    expect(loadOpenTelemetry()).toBeUndefined();
    const broker = new MemoryBroker();
    const service = createEventService({ group: 'A', broker });
    const jobs = eventStream<{ n: number }>('jobs');
    const [id] = await service.produce(jobs, { n: 1 });
    const delivery = await firstValueFrom(service.consume(jobs, { from: 'start' }));
    expect(delivery).toMatchObject({ id, value: { n: 1 } });
    await delivery.ack();
    expect(Object.keys(broker.existingStream('jobs')?.fields(id as string) ?? {})).toEqual(['v']);
    await service.close();
  });
});
