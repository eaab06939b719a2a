import { delay, mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Delivery } from 'rx-redis-events';
import { createTestScheduler, expectAcks, expectNacks, fakeDeliveries } from 'rx-redis-events/testing';

const VALUES = { a: 1, b: 2, c: 3 };
const boom = new Error('boom');

/** The fields of a delivery without its methods. */
const fieldsOf = ({ id, value, stream, key, deliveryCount, producedAt }: { id: string; value: unknown; stream: string; key?: string; deliveryCount: number; producedAt: Date }) =>
  ({ id, value, stream, key, deliveryCount, producedAt });

describe('fakeDeliveries', () => {
  it('fakeDeliveries - cold: each subscriber gets the whole diagram from its own subscription frame', () => {
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b|', VALUES);
      const { a, b } = source.deliveries;
      helpers.expectObservable(source).toBe('-a-b|', { a, b });
      helpers.expectObservable(source, '--^').toBe('---a-b|', { a, b });
      helpers.expectSubscriptions(source.subscriptions).toBe(['^---!', '--^---!']);
    });
  });

  it('fakeDeliveries - hot: subscribers share one timeline, from `^`; earlier letters are missed', () => {
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-^-b-c|', VALUES, { hot: true });
      const { b, c } = source.deliveries;
      helpers.expectObservable(source).toBe('--b-c|', { b, c });
      helpers.expectObservable(source, '---^').toBe('----c|', { c });
      helpers.expectSubscriptions(source.subscriptions).toBe(['^----!', '---^-!']);
    });
  });

  it('fakeDeliveries - each letter is a delivery: id is the letter, value from values, produced at its first frame', () => {
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '--a 10ms b-a|', { a: 'x', b: 'y', c: 'z' });
      expect(Object.keys(source.deliveries).sort()).toEqual(['a', 'b', 'c']);
      expect(fieldsOf(source.deliveries.a)).toStrictEqual({ id: 'a', value: 'x', stream: 'fake', key: undefined, deliveryCount: 1, producedAt: new Date(2) });
      expect(fieldsOf(source.deliveries.b)).toStrictEqual({ id: 'b', value: 'y', stream: 'fake', key: undefined, deliveryCount: 1, producedAt: new Date(13) });
      expect(fieldsOf(source.deliveries.c)).toStrictEqual({ id: 'c', value: 'z', stream: 'fake', key: undefined, deliveryCount: 1, producedAt: new Date(0) });
      // a letter emitted twice is the same delivery
      helpers.expectObservable(source).toBe('--a 10ms b-a|', source.deliveries);
    });
  });

  it('fakeDeliveries - options: stream, key from the value, deliveryCount by letter', () => {
    createTestScheduler().run((helpers) => {
      const options = { stream: 'orders', key: (value: number) => `order-${value}`, deliveryCount: { b: 3 } };
      const { a, b } = fakeDeliveries(helpers, '-a-b|', VALUES, options).deliveries;
      expect(fieldsOf(a)).toStrictEqual({ id: 'a', value: 1, stream: 'orders', key: 'order-1', deliveryCount: 1, producedAt: new Date(1) });
      expect(fieldsOf(b)).toStrictEqual({ id: 'b', value: 2, stream: 'orders', key: 'order-2', deliveryCount: 3, producedAt: new Date(3) });
    });
  });

  it('fakeDeliveries - without values, each value is its letter; `#` errors with the error option', () => {
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-#', undefined, { error: boom });
      expect(source.deliveries.a?.value).toBe('a');
      helpers.expectObservable(source).toBe('-a-#', { a: source.deliveries.a }, boom);
    });
  });

  it('fakeDeliveries - records every ack and nack with its virtual frame, delay and error, in call order', () => {
    const scheduler = createTestScheduler();
    const source = scheduler.run((helpers) => {
      const deliveries = fakeDeliveries(helpers, '-a-b-c|', VALUES);
      const settle = (d: Delivery<number>) => (d.id === 'a' ? d.ack() : d.nack(d.id === 'b' ? { delayMs: 30, error: boom } : undefined));
      deliveries.pipe(mergeMap((d) => of(d).pipe(delay(d.id === 'a' ? 3 : 0)))).subscribe((d) => void settle(d));
      return deliveries;
    });
    expect(source.calls).toStrictEqual([
      { op: 'nack', id: 'b', frame: 3, delayMs: 30, error: boom },
      { op: 'ack', id: 'a', frame: 4 },
      { op: 'nack', id: 'c', frame: 5, delayMs: 0 },
    ]);
  });

  it('fakeDeliveries - the first ack or nack wins, as the marbles show; later calls return its promise', () => {
    const promises: Promise<void>[][] = [];
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b|', VALUES);
      source.subscribe((d) => promises.push([d.id === 'a' ? d.ack() : d.nack({ delayMs: 7 }), d.nack({ delayMs: 1 }), d.ack()]));
      expectAcks(source).toBe('-a');
      expectNacks(source).toBe('---b', { b: 7 });
    });
    expect(promises).toHaveLength(2);
    for (const [first, ...later] of promises) for (const promise of later) expect(promise).toBe(first);
  });

  it('fakeDeliveries - a nack with an invalid delay rejects with a RangeError and records nothing', async () => {
    let rejection: Promise<void> | undefined;
    const source = createTestScheduler().run((helpers) => {
      const deliveries = fakeDeliveries(helpers, 'a', VALUES);
      rejection = deliveries.deliveries.a.nack({ delayMs: -1 });
      return deliveries;
    });
    await expect(rejection).rejects.toThrow(RangeError);
    expect(source.calls).toEqual([]);
  });

  it('fakeDeliveries - settle: ack and nack return what it returns, and the call is still recorded', async () => {
    const results: Promise<void>[] = [];
    const source = createTestScheduler().run((helpers) => {
      const deliveries = fakeDeliveries(helpers, '-a|', VALUES, { settle: (call) => Promise.reject(new Error(`broker down (${call.op} ${call.id})`)) });
      deliveries.subscribe((d) => results.push(d.ack()));
      return deliveries;
    });
    await expect(results[0]).rejects.toThrow('broker down (ack a)');
    expect(source.calls).toStrictEqual([{ op: 'ack', id: 'a', frame: 1 }]);
  });

  it('fakeDeliveries - works with a TestScheduler that asserts with Jest', () => {
    const jestScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    jestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b|', VALUES);
      source.subscribe((d) => void (d.id === 'a' ? d.ack() : d.nack({ delayMs: 5 })));
      expectAcks(source).toBe('-a');
      expectNacks(source).toBe('---b', { b: 5 });
    });
    const failing = () =>
      jestScheduler().run((helpers) => {
        const source = fakeDeliveries(helpers, '-a|', VALUES);
        source.subscribe((d) => void d.ack());
        expectAcks(source).toBe('--a');
      });
    expect(failing).toThrow('toEqual');
  });
});
