import { config, throwError } from 'rxjs';
import { eventStream, type Delivery, type InstrumentationEvent } from '../../src';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually } from '../support/eventually';

interface Job {
  n: number;
}

/** The fields of events that do not vary from run to run (no ids or timestamps). */
function shape(event: InstrumentationEvent): string {
  switch (event.type) {
    case 'consumer.delivered':
      return `${event.type} ${event.stream} ${event.consumer} count=${event.deliveryCount}`;
    case 'consumer.nacked':
      return `${event.type} ${event.stream} count=${event.deliveryCount} delay=${event.delayMs}`;
    case 'consumer.claimed':
      return `${event.type} ${event.stream} ${event.source} ${event.ids.length}`;
    case 'consumer.deadLettered':
      return `${event.type} ${event.stream} ${event.reason} count=${event.deliveryCount}`;
    case 'producer.produced':
      return `${event.type} ${event.stream} ${event.ids.length}`;
    case 'retention.trimmed':
      return `${event.type} ${event.stream} ${event.removed}`;
    case 'consumer.acked':
      return `${event.type} ${event.stream}`;
    default:
      return event.type;
  }
}

/** `instrumentation$`: typed events of what the service does, built only while someone listens. */
export function instrumentationSuite(ctx: () => BackendContext): void {
  it('instrumentation - produce, deliver, ack, nack, dead-letter and trim each emit one typed event with stream, group and time', async () => {
    const jobs = eventStream<Job>(uniqueName('jobs'), { retention: { maxLength: 2 } });
    const service = ctx().createService({ group: 'G', consumer: 'i1' });
    const events: InstrumentationEvent[] = [];
    service.instrumentation$.subscribe((event) => events.push(event));
    const before = Date.now();
    const got: Delivery<Job>[] = [];
    const subscription = service.consume(jobs).subscribe((delivery) => got.push(delivery));
    // the group exists before anything is produced, so retention keeps what it has not read
    await eventually('the group', async () => (await ctx().pendingCount(jobs.name, 'G').catch(() => -1)) === 0);
    const ids = await service.produce(jobs, { n: 1 }, { n: 2 });
    const undecodable = await ctx().appendRaw(jobs.name, { v: '{"json":' });
    await eventually('two deliveries and a dead letter', () => got.length === 2 && events.some((event) => event.type === 'consumer.deadLettered'));
    const [first, second] = got;
    await first?.ack();
    await second?.nack({ delayMs: 5000 });
    expect(await service.trim(jobs)).toBe(1);

    // on the memory broker a delivery can come before produce resolves: the order across producer and consumer is not fixed
    expect(events.map(shape).sort()).toEqual(
      [
        `producer.produced ${jobs.name} 2`,
        `consumer.delivered ${jobs.name} i1#1 count=1`,
        `consumer.delivered ${jobs.name} i1#1 count=1`,
        `consumer.deadLettered ${jobs.name} decode count=1`,
        `consumer.acked ${jobs.name}`,
        `consumer.nacked ${jobs.name} count=1 delay=5000`,
        `retention.trimmed ${jobs.name} 1`,
      ].sort(),
    );
    const idOf = (type: InstrumentationEvent['type']) => events.filter((event) => event.type === type).map((event) => ('id' in event ? event.id : ''));
    expect(idOf('consumer.delivered')).toEqual(ids);
    expect(idOf('consumer.acked')).toEqual([ids[0]]);
    expect(idOf('consumer.nacked')).toEqual([ids[1]]);
    expect(idOf('consumer.deadLettered')).toEqual([undecodable]);
    expect(events.find((event) => event.type === 'producer.produced')).toMatchObject({ ids });
    subscription.unsubscribe();
    for (const event of events) {
      expect(event.group).toBe('G');
      expect(event.timestamp).toBeGreaterThanOrEqual(before - 1);
      expect(event.timestamp).toBeLessThanOrEqual(Date.now() + 1);
    }
  });

  it('instrumentation - a consumer that takes over idle entries emits consumer.claimed with their ids', async () => {
    const jobs = eventStream<Job>(uniqueName('jobs'));
    const crashed = ctx().createService({ group: 'G', consumer: 'crashed', closeTimeoutMs: 10 });
    const ids = await crashed.produce(jobs, { n: 1 }, { n: 2 });
    await collect(crashed.consume(jobs, { from: 'start' }), 2);
    await crashed.close();
    const heir = ctx().createService({ group: 'G', consumer: 'heir' });
    const claimed: InstrumentationEvent[] = [];
    heir.instrumentation$.subscribe((event) => event.type === 'consumer.claimed' && claimed.push(event));
    const got = await collect(heir.consume(jobs, { claimIdleAfterMs: 100 }), 2);
    expect(got.map((delivery) => delivery.deliveryCount)).toEqual([2, 2]);
    expect(claimed).toEqual([{ type: 'consumer.claimed', stream: jobs.name, consumer: 'heir#1', source: 'idle', ids, group: 'G', timestamp: expect.any(Number) as number }]);
    await Promise.all(got.map((delivery) => delivery.ack()));
  });

  it('instrumentation - problems given to onError are also emitted as service.error; the Observable completes on close', async () => {
    const errors: unknown[] = [];
    const service = ctx().createService({ group: 'G', onError: (error) => errors.push(error) });
    const events: InstrumentationEvent[] = [];
    let completed = false;
    service.instrumentation$.subscribe({ next: (event) => events.push(event), complete: () => (completed = true) });
    const broken = new Error('pipeline broke');
    service.subscribe(eventStream<Job>(uniqueName('jobs')), { kind: 'immediate', operator: () => throwError(() => broken) });
    expect(errors).toEqual([broken]);
    expect(events).toEqual([{ type: 'service.error', error: broken, group: 'G', timestamp: expect.any(Number) as number }]);
    await service.close();
    expect(completed).toBe(true);
  });

  it('instrumentation - a listener that throws does not disturb consumption or the other listeners', async () => {
    const reported: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const jobs = eventStream<Job>(uniqueName('jobs'));
      const service = ctx().createService({ group: 'G' });
      service.instrumentation$.subscribe(() => {
        throw new Error('listener bug');
      });
      const seen: string[] = [];
      service.instrumentation$.subscribe((event) => seen.push(event.type));
      await service.produce(jobs, { n: 1 }, { n: 2 });
      const got = await collect(service.consume(jobs, { from: 'start' }), 2);
      await Promise.all(got.map((delivery) => delivery.ack()));
      expect(got.map((delivery) => delivery.value.n)).toEqual([1, 2]);
      expect(seen).toEqual(['producer.produced', 'consumer.delivered', 'consumer.delivered', 'consumer.acked', 'consumer.acked']);
      await eventually('the listener errors reported', () => reported.length === 5);
      expect(reported.map((error) => (error as Error).message)).toEqual(Array.from({ length: 5 }, () => 'listener bug'));
    } finally {
      config.onUnhandledError = previous;
    }
  });
}
