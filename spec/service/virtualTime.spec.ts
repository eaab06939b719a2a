import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { z } from 'zod';
import { ackAfter, batch, createEventService, eventStream, MemoryBroker, type Delivery } from 'rx-redis-events';

/** A whole service on the memory broker, driven by a TestScheduler: every timer and delivery in virtual frames. */
describe('virtual time - a service on the memory broker', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });
  const setUp = () => {
    const broker = new MemoryBroker({ scheduler: testScheduler });
    const service = (group: string, consumer = group) => createEventService({ group, consumer, broker, scheduler: testScheduler });
    return { broker, service };
  };
  const Orders = eventStream<number>('orders');

  it('virtual time - deliveries arrive in the frame they are produced, and batch({ maxLatency: 500 }) flushes 500 frames after its window opened', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const { service } = setUp();
      const shop = service('shop');
      const billing = service('billing');
      const batches = billing.consume(Orders, { from: 'start' }).pipe(
        batch({ maxLatency: 500, maxBatchSize: 3, scheduler: testScheduler }),
        map((b) => (void b.ack(), b.values)),
      );
      cold('-a-b-c-d').subscribe((n) => void shop.produce(Orders, Number(n === 'a' ? 1 : n === 'b' ? 2 : n === 'c' ? 3 : 4)));
      // x: full at frame 5; the next window opened then, so [4] (frame 7) leaves when it closes, at 505
      expectObservable(batches, '^ 1999ms !').toBe('-----x 499ms y', { x: [1, 2, 3], y: [4] });
    });
  });

  it('virtual time - nack({ delayMs: 5000 }) redelivers at frame 5000 with deliveryCount 2', () => {
    testScheduler.run(({ expectObservable }) => {
      const { service } = setUp();
      const billing = service('billing');
      void billing.produce(Orders, 7);
      const seen = billing.consume(Orders, { from: 'start' }).pipe(
        map((d: Delivery<number>) => {
          if (d.deliveryCount === 1) void d.nack({ delayMs: 5000 });
          else void d.ack();
          return `${d.value}#${d.deliveryCount}`;
        }),
      );
      expectObservable(seen, '^ 9999ms !').toBe('a 4999ms b', { a: '7#1', b: '7#2' });
    });
  });

  it('virtual time - claimIdleAfterMs: what a consumer read and never handed out is taken over after the idle time, on the next claim check', () => {
    testScheduler.run(({ expectObservable }) => {
      const { service, broker } = setUp();
      const quitter = service('billing', 'quitter');
      const heir = service('billing', 'heir');
      void quitter.produce(Orders, 1, 2);
      broker.stream('orders').ensureGroup('billing', 'start');
      broker.stream('orders').readNew('billing', 'quitter', 2, 0); // read, then the process died: nobody renews them
      const taken = heir.consume(Orders, { claimIdleAfterMs: 1000 }).pipe(map((d) => (void d.ack(), `${d.value}#${d.deliveryCount}`)));
      // claim checks run every claimIdleAfterMs / 2 = 500 frames: at 0 and 500 nothing is idle enough, at 1000 both are
      expectObservable(taken, '^ 2999ms !').toBe('1000ms (ab)', { a: '1#2', b: '2#2' });
    });
  });

  it('virtual time - leases: a delivery still with its handler is renewed every claimIdleAfterMs / 3 and not taken over, until maxHandlingMs makes it stuck', () => {
    const stuck: string[] = [];
    testScheduler.run(({ expectObservable }) => {
      const { service } = setUp();
      const slow = service('billing', 'slow');
      const heir = service('billing', 'heir');
      slow.instrumentation$.subscribe((event) => void (event.type === 'consumer.stuck' && stuck.push(`${event.id}@${testScheduler.now()}:${event.handlingMs}`)));
      void slow.produce(Orders, 1, 2);
      // the slow consumer never settles (its handler hangs); it even unsubscribes at frame 10, its deliveries still in the handler
      expectObservable(slow.consume(Orders, { from: 'start', claimIdleAfterMs: 1000, maxHandlingMs: 3000 }).pipe(map((d) => d.value)), '^ 10ms !').toBe('(ab)', { a: 1, b: 2 });
      const taken = heir.consume(Orders, { claimIdleAfterMs: 1000 }).pipe(map((d) => (void d.ack(), `${d.value}#${d.deliveryCount}`)));
      // renewed at 333, 666, ..., 2997 (9 × 333: within maxHandlingMs); stuck at 3330, so idle for 1000 at 3997: the heir's claim check at 4000 takes both
      expectObservable(taken, '^ 5999ms !').toBe('4000ms (ab)', { a: '1#2', b: '2#2' });
    });
    expect(stuck).toEqual(['0-1@3330:3330', '0-2@3330:3330']);
  });

  it('virtual time - ackAfter with retry delays: a failing event is retried at the delays, then dead-lettered', () => {
    let deadLettered = 0;
    testScheduler.run(({ expectObservable }) => {
      const { service, broker } = setUp();
      const billing = service('billing');
      void billing.produce(Orders, 1);
      const attempts = billing.consume(Orders, { from: 'start', maxDeliveries: 3 }).pipe(
        ackAfter(
          (d: Delivery<number>) => {
            throw new Error(`attempt ${d.deliveryCount}`);
          },
          { retry: { delays: [100, 1000] } },
        ),
        map((outcome) => `${outcome.ok ? 'ok' : 'failed'}#${outcome.item.deliveryCount}`),
      );
      expectObservable(attempts, '^ 4999ms !').toBe('a 99ms b 999ms c', { a: 'failed#1', b: 'failed#2', c: 'failed#3' });
      testScheduler.schedule(() => (deadLettered = broker.existingStream('orders:{orders}:dlq')?.length ?? 0), 4000);
    });
    expect(deadLettered).toBe(1);
  });

  it('virtual time - produce takes the produce timeout: the memory broker answers before its timer starts, so a flush past produceTimeoutMs rejects nothing', async () => {
    const outcomes: Promise<string>[] = [];
    testScheduler.run(({ cold }) => {
      const { broker } = setUp();
      // produceTimeoutMs is 100: the flush runs 1000 frames past each produce
      const timed = createEventService({ group: 'shop', consumer: 'shop', broker, scheduler: testScheduler, produceTimeoutMs: 100 });
      cold('a 999ms b').subscribe(() => outcomes.push(timed.produce(Orders, 1).then((ids) => `ok ${ids.length}`, (error: Error) => error.name)));
      testScheduler.schedule(() => undefined, 2000);
    });
    expect(await Promise.all(outcomes)).toEqual(['ok 1', 'ok 1']);
  });

  it('virtual time - a dead-lettered delivery frees its slot in the same frame: with maxInFlight 1 the next event follows at once', () => {
    testScheduler.run(({ expectObservable }) => {
      const { service, broker } = setUp();
      const billing = service('billing');
      void billing.produce(Orders, -1, 2, 3);
      const seen = billing.consume(Orders, { from: 'start', maxInFlight: 1 }).pipe(
        map((d: Delivery<number>) => {
          if (d.value < 0) void d.deadLetter('negative');
          else void d.ack();
          return d.value;
        }),
      );
      expectObservable(seen, '^ 99ms !').toBe('(abc)', { a: -1, b: 2, c: 3 });
      testScheduler.schedule(() => expect(broker.existingStream('orders:{orders}:dlq')?.length).toBe(1), 50);
    });
  });

  it('virtual time - an ack made after the flush (an async handler that settles later) still reaches the broker, and close() resolves', async () => {
    let service: ReturnType<typeof createEventService> | undefined;
    let broker: MemoryBroker | undefined;
    const acks: Promise<void>[] = [];
    testScheduler.run(() => {
      ({ broker } = setUp());
      service = createEventService({ group: 'billing', consumer: 'billing', broker, scheduler: testScheduler });
      void service.produce(Orders, 1);
      const subscription = service.consume(Orders, { from: 'start' }).subscribe((d) => void Promise.resolve().then(() => acks.push(d.ack())));
      testScheduler.schedule(() => subscription.unsubscribe(), 10);
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(acks).toHaveLength(1);
    await acks[0];
    expect(broker?.existingStream('orders')?.pendingIds('billing')).toEqual([]);
    await service?.close();
  });

  it('virtual time - a synchronous schema keeps deliveries in the frame they are produced; an invalid entry is dead-lettered in its frame', () => {
    let deadLetters: string[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const { service, broker } = setUp();
      const Checked = eventStream('checked', { schema: z.object({ n: z.number().int() }) });
      const writer = service('writer');
      const billing = service('billing');
      const unchecked = eventStream<{ n: unknown }>('checked');
      cold('-a-b-c').subscribe((letter) => void writer.produce(unchecked, { n: letter === 'b' ? 'two' : letter === 'a' ? 1 : 3 }));
      const seen = billing.consume(Checked, { from: 'start' }).pipe(map((d) => (void d.ack(), d.value.n)));
      expectObservable(seen, '^ 999ms !').toBe('-a---c', { a: 1, c: 3 });
      testScheduler.schedule(() => (deadLetters = broker.existingStream('checked:{checked}:dlq')?.range(10).map((entry) => entry.fields.reason ?? '') ?? []), 500);
    });
    expect(deadLetters).toEqual(['invalid']);
  });
});
