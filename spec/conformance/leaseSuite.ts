import { filter, firstValueFrom, timer } from 'rxjs';
import { ackAfter, batch, eventStream, type Delivery, type EventService } from '../../src';
import type { BackendContext } from './backend';
import { uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

/** Leases (a live consumer keeps what it handles), dead-lettering by the handler, and the group's consumers. */
export function leaseSuite(ctx: () => BackendContext): void {
  const stream = () => eventStream<number>(uniqueName('numbers'));
  const consumersOf = async (service: EventService, numbers: ReturnType<typeof stream>, group = 'A') =>
    (await service.describe(numbers)).groups.find((described) => described.name === group)?.consumers.map((consumer) => consumer.name) ?? [];

  it('leases - an event in a live handler is never taken over, however long past claimIdleAfterMs its handler runs', async () => {
    const numbers = stream();
    const [a, b] = [ctx().createService({ group: 'A' }), ctx().createService({ group: 'A' })];
    // renewal every 100 ms: a margin of 200 ms for a late renewal on a loaded machine or a cluster
    const options = { from: 'start', claimIdleAfterMs: 300, maxDeliveries: 4 } as const;
    const counts: number[] = [];
    const slow = (d: Delivery<number>) => (counts.push(d.deliveryCount), timer(1500));
    const subscriptions = [a, b].map((service) => service.consume(numbers, options).pipe(ackAfter(slow)).subscribe());
    await a.produce(numbers, 1, 2);
    await eventually('the acks', async () => counts.length > 1 && (await ctx().pendingCount(numbers.name, 'A')) === 0, 8000);
    await sleep(450); // three more claim checks: nothing comes back
    expect(counts).toEqual([1, 1]);
    expect(await a.deadLetters(numbers)).toEqual([]);
    subscriptions.forEach((subscription) => subscription.unsubscribe());
  });

  it('leases - past maxHandlingMs a delivery is reported stuck (consumer.stuck), no longer renewed, and taken over', async () => {
    const numbers = stream();
    const [a, b] = [ctx().createService({ group: 'A', consumer: 'a', onError: () => undefined }), ctx().createService({ group: 'A', consumer: 'b' })];
    const stuck = firstValueFrom(a.instrumentation$.pipe(filter((event) => event.type === 'consumer.stuck')));
    const started: string[] = [];
    const hangsFirstTime = (name: string) => (d: Delivery<number>) => (started.push(`${name}#${d.deliveryCount}`), timer(d.deliveryCount === 1 ? 2500 : 0));
    const options = { from: 'start', claimIdleAfterMs: 150, maxHandlingMs: 300 } as const;
    a.consume(numbers, options).pipe(ackAfter(hangsFirstTime('a'))).subscribe();
    await a.produce(numbers, 1);
    await eventually('a to start it', () => started.length === 1);
    b.consume(numbers, options).pipe(ackAfter(hangsFirstTime('b'))).subscribe();
    const event = await stuck;
    expect(event).toMatchObject({ type: 'consumer.stuck', group: 'A', stream: numbers.name, consumer: 'a#1' });
    expect(event.type === 'consumer.stuck' && event.handlingMs).toBeGreaterThan(300);
    await eventually('b to take it over', () => started.length === 2, 3000);
    expect(started).toEqual(['a#1', 'b#2']);
    await eventually('the ack', async () => (await ctx().pendingCount(numbers.name, 'A')) === 0, 3000);
  });

  it('deadLetter - moves the event at once: reason rejected, the given error, the delivery count; nothing pending, the handler called once', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    const calls: number[] = [];
    service.consume(numbers, { from: 'start', maxDeliveries: 5 }).subscribe((d) => {
      calls.push(d.deliveryCount);
      if (d.deliveryCount === 1) void d.nack();
      else void d.deadLetter('order 7 refers to a deleted customer');
    });
    await service.produce(numbers, 7);
    await eventually('the dead letter', async () => (await service.deadLetters(numbers)).length === 1);
    const [letter] = await service.deadLetters(numbers);
    expect(letter).toMatchObject({ reason: 'rejected', error: 'order 7 refers to a deleted customer', deliveryCount: 2, group: 'A', value: 7 });
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(0);
    await sleep(200);
    expect(calls).toEqual([1, 2]);
  });

  it('deadLetter - a batch and ackAfter({ deadLetterIf }) dead-letter every event of the batch, and only the errors the predicate picks', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A', onError: () => undefined });
    const handled: number[] = [];
    service
      .consume(numbers, { from: 'start' })
      .pipe(
        batch({ maxLatency: 50, maxBatchSize: 3 }),
        ackAfter(
          (b) => {
            handled.push(...b.values);
            if (b.values.includes(2)) throw new RangeError('batch holds a bad number');
            if (b.values.includes(5)) throw new Error('try again');
          },
          { deadLetterIf: (error) => error instanceof RangeError, retry: { delays: [60_000] } },
        ),
      )
      .subscribe();
    await service.produce(numbers, 1, 2, 3);
    await eventually('the dead letters', async () => (await service.deadLetters(numbers)).length === 3);
    await service.produce(numbers, 4, 5, 6);
    await eventually('the second batch', () => handled.length === 6);
    await sleep(100);
    const letters = await service.deadLetters(numbers);
    expect(letters.map((letter) => [letter.value, letter.reason, letter.error, letter.deliveryCount])).toEqual([
      [1, 'rejected', 'batch holds a bad number', 1],
      [2, 'rejected', 'batch holds a bad number', 1],
      [3, 'rejected', 'batch holds a bad number', 1],
    ]);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(3); // 4, 5, 6 nacked, waiting for their retry
  });

  it('group hygiene - close() removes its consumers that hold nothing; one that still holds an entry stays', async () => {
    const numbers = stream();
    const observer = ctx().createService({ group: 'observer' });
    const done = ctx().createService({ group: 'A', consumer: 'done' });
    const holding = ctx().createService({ group: 'A', consumer: 'holding', closeTimeoutMs: 50 });
    await observer.produce(numbers, 1, 2);
    const acked = firstValueFrom(done.consume(numbers, { from: 'start', maxInFlight: 1 }));
    void (await acked).ack();
    const held = await firstValueFrom(holding.consume(numbers, { from: 'start', maxInFlight: 1 }));
    expect((await consumersOf(observer, numbers)).sort()).toEqual(['done#1', 'holding#1']);
    await Promise.all([done.close(), holding.close()]);
    expect(await consumersOf(observer, numbers)).toEqual(['holding#1']);
    expect(held.value).toBe(2);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(1);
  });

  it('group hygiene - a consumer that left holding entries is removed once they are taken over and it was idle for consumerExpiryMs', async () => {
    const numbers = stream();
    const gone = ctx().createService({ group: 'A', consumer: 'gone', closeTimeoutMs: 50 });
    await gone.produce(numbers, 1, 2, 3);
    const held: number[] = [];
    gone.consume(numbers, { from: 'start' }).subscribe((d) => held.push(d.value)); // never settled
    await eventually('gone to hold three', () => held.length === 3);
    await gone.close();
    const heir = ctx().createService({ group: 'A', consumer: 'heir', consumerExpiryMs: 400 });
    const handled: string[] = [];
    heir.consume(numbers, { claimIdleAfterMs: 150 }).pipe(ackAfter((d) => void handled.push(`${d.value}#${d.deliveryCount}`))).subscribe();
    await eventually('the heir to handle all three', () => handled.length === 3, 3000);
    expect(handled.sort()).toEqual(['1#2', '2#2', '3#2']);
    expect((await consumersOf(heir, numbers)).sort()).toEqual(['gone#1', 'heir#1']); // not idle long enough yet
    await eventually('gone#1 to be removed', async () => (await consumersOf(heir, numbers)).length === 1, 3000);
    expect(await consumersOf(heir, numbers)).toEqual(['heir#1']);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(0);
  });
}
