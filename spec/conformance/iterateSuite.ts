import { eventStream, ServiceClosedError, type Delivery } from '../../src';
import type { BackendContext } from './backend';
import { uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

/** `iterate`: consume as an AsyncIterable with real backpressure. */
export function iterateSuite(ctx: () => BackendContext): void {
  const stream = () => eventStream<number>(uniqueName('numbers'));

  it('iterate - a slow loop body never has more than maxInFlight deliveries unsettled, and gets every event in order', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, ...Array.from({ length: 20 }, (_, n) => n));
    let delivered = 0;
    let acked = 0;
    let mostUnsettled = 0;
    const events = service.instrumentation$.subscribe((event) => {
      if (event.type === 'consumer.delivered') delivered++;
      if (event.type === 'consumer.acked') acked++;
      mostUnsettled = Math.max(mostUnsettled, delivered - acked);
    });
    const values: number[] = [];
    for await (const delivery of service.iterate(numbers, { from: 'start', maxInFlight: 3 })) {
      values.push(delivery.value);
      await sleep(20);
      await delivery.ack();
      if (values.length === 20) break;
    }
    events.unsubscribe();
    expect(values).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(delivered).toBe(20);
    expect(mostUnsettled).toBe(3);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(0);
  });

  it('iterate - break ends the subscription; the un-acked deliveries stay pending and are delivered again', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A', closeTimeoutMs: 100 });
    await service.produce(numbers, 1, 2, 3, 4);
    const seen: number[] = [];
    for await (const delivery of service.iterate(numbers, { from: 'start', maxInFlight: 4 })) {
      seen.push(delivery.value);
      if (delivery.value === 1) await delivery.ack();
      if (delivery.value === 2) break;
    }
    expect(seen).toEqual([1, 2]);
    // (not health(): as the least-privilege ACL user its CONFIG GET is refused, which the ACL run counts)
    await eventually('the ack of 1, the rest pending', async () => (await ctx().pendingCount(numbers.name, 'A')) === 3);
    const again: number[] = [];
    for await (const delivery of service.iterate(numbers, { claimIdleAfterMs: 50 })) {
      again.push(delivery.value);
      await delivery.ack();
      if (again.length === 3) break;
    }
    expect([...again].sort()).toEqual([2, 3, 4]);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(0);
  });

  it('iterate - a throw in the loop body ends the subscription and goes on; the delivery stays pending', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A', closeTimeoutMs: 100 });
    await service.produce(numbers, 7);
    const loop = async () => {
      for await (const delivery of service.iterate(numbers, { from: 'start' })) throw new Error(`cannot handle ${delivery.value}`);
    };
    await expect(loop()).rejects.toThrow('cannot handle 7');
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(1);
  });

  it('iterate - close() ends the loop once the deliveries it holds are settled', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, 1, 2);
    const seen: Delivery<number>[] = [];
    const loop = (async () => {
      for await (const delivery of service.iterate(numbers, { from: 'start' })) {
        seen.push(delivery);
        await delivery.ack();
      }
      return 'ended';
    })();
    await eventually('two deliveries', () => seen.length === 2);
    await service.close();
    expect(await loop).toBe('ended');
    expect(seen.map((d) => d.value)).toEqual([1, 2]);
  });

  it('iterate - an error of the subscription is thrown by the loop', async () => {
    const service = ctx().createService({ group: 'A' });
    await service.close();
    const loop = async () => {
      for await (const delivery of service.iterate(stream())) void delivery;
    };
    await expect(loop()).rejects.toThrow(ServiceClosedError);
  });
}
