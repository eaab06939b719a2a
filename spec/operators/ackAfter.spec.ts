import { from, lastValueFrom, map, toArray, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createFakeDelivery, createTestScheduler, expectAcks, expectDeadLetters, expectNacks, fakeDeliveries, type SettleCall } from 'rx-redis-events/testing';
import type { Delivery } from '../../src/consumer/Delivery';
import { ackAfter, type AckAfterConfig } from '../../src/operators/ackAfter';

// Handlers returning Observables run in virtual time (TestScheduler.run); Promise handlers run in real time.
const VALUES = { a: 1, b: 2, c: 3 };
const boom = new Error('boom');

let testScheduler: TestScheduler;
beforeEach(() => {
  testScheduler = createTestScheduler();
});

describe('ackAfter', () => {
  it('ackAfter - sync handler: success acks once and emits { ok: true, item, result }', () => {
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b|', VALUES);
      const { a, b } = source.deliveries;
      const result = source.pipe(ackAfter((item) => item.value * 10));
      helpers.expectObservable(result).toBe('-x-y|', { x: { ok: true, item: a, result: 10 }, y: { ok: true, item: b, result: 20 } });
      expectAcks(source).toBe('-a-b');
      expectNacks(source).toBe('');
    });
  });

  it('ackAfter - sync handler that throws: nacks once with the retry delay, emits the error, the stream goes on', () => {
    const handler = (item: Delivery<number>) => {
      if (item.id === 'b') throw boom;
      return item.value;
    };
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c|', VALUES);
      const { a, b, c } = source.deliveries;
      const result = source.pipe(ackAfter(handler, { retry: { delays: [500] } }));
      const outcomes = { x: { ok: true, item: a, result: 1 }, y: { ok: false, item: b, error: boom }, z: { ok: true, item: c, result: 3 } };
      helpers.expectObservable(result).toBe('-x-y-z|', outcomes);
      expectAcks(source).toBe('-a---c');
      expectNacks(source).toBe('---b', { b: 500 });
    });
  });

  it('ackAfter - Observable handler: its last value is the result, acked when it completes', () => {
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a|', VALUES);
      const work = helpers.cold('-r-s|', { r: 'first', s: 'last' });
      helpers.expectObservable(source.pipe(ackAfter(() => work))).toBe('-----(x|)', { x: { ok: true, item: source.deliveries.a, result: 'last' } });
      helpers.expectSubscriptions(work.subscriptions).toBe('-^---!');
      expectAcks(source).toBe('-----a');
      expectNacks(source).toBe('');
    });
  });

  it('ackAfter - Observable handler completing empty: success with result undefined', () => {
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a|', VALUES);
      helpers.expectObservable(source.pipe(ackAfter(() => helpers.cold('--|')))).toBe('---(x|)', { x: { ok: true, item: source.deliveries.a, result: undefined } });
      expectAcks(source).toBe('---a');
      expectNacks(source).toBe('');
    });
  });

  it('ackAfter - Observable handler that errors: nacks once with the retry delay, the stream completes', () => {
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a|', VALUES);
      const result = source.pipe(ackAfter(() => helpers.cold('--#', undefined, boom), { retry: { delays: [70] } }));
      helpers.expectObservable(result).toBe('---(x|)', { x: { ok: false, item: source.deliveries.a, error: boom } });
      expectAcks(source).toBe('');
      expectNacks(source).toBe('---a', { a: 70 });
    });
  });

  it('ackAfter - Promise handler: resolve acks, reject nacks with the retry delay', async () => {
    const calls: SettleCall[] = []; // real time: every frame is 0
    const delivery = (id: keyof typeof VALUES) => createFakeDelivery({ id, value: VALUES[id] }, (call) => void calls.push(call));
    const [a, b, c] = [delivery('a'), delivery('b'), delivery('c')];
    const handler = async (item: Delivery<number>) => {
      await Promise.resolve();
      if (item.id === 'b') throw boom;
      return `done ${item.value}`;
    };
    const outcomes = await lastValueFrom(from([a, b, c]).pipe(ackAfter(handler, { retry: { delays: [9] } }), toArray()));
    expect(outcomes).toStrictEqual([
      { ok: true, item: a, result: 'done 1' },
      { ok: false, item: b, error: boom },
      { ok: true, item: c, result: 'done 3' },
    ]);
    expect(calls).toStrictEqual([
      { op: 'ack', id: 'a', frame: 0 },
      { op: 'nack', id: 'b', frame: 0, delayMs: 9, error: boom },
      { op: 'ack', id: 'c', frame: 0 },
    ]);
  });
});

describe.each([
  { concurrency: 1, expected: '----x---y---(z|)', subscriptions: ['^---!', '----^---!', '--------^---!'], acks: '----a---b---c' },
  { concurrency: 2, expected: '----(xy)(z|)', subscriptions: ['^---!', '^---!', '----^---!'], acks: '----(ab)c' },
  { concurrency: 3, expected: '----(xyz|)', subscriptions: ['^---!', '^---!', '^---!'], acks: '----(abc)' },
])('ackAfter (concurrency $concurrency)', ({ concurrency, expected, subscriptions, acks }) => {
  it('ackAfter - runs at most `concurrency` handlers at once, in source order', () => {
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '(abc|)', VALUES);
      const { a, b, c } = source.deliveries;
      const work = helpers.cold('---r|');
      const handler = (item: Delivery<number>): Observable<number> => work.pipe(map(() => item.value * 10));
      const outcomes = { x: { ok: true, item: a, result: 10 }, y: { ok: true, item: b, result: 20 }, z: { ok: true, item: c, result: 30 } };
      helpers.expectObservable(source.pipe(ackAfter(handler, { concurrency }))).toBe(expected, outcomes);
      helpers.expectSubscriptions(work.subscriptions).toBe(subscriptions);
      expectAcks(source).toBe(acks);
      expectNacks(source).toBe('');
    });
  });
});

describe('ackAfter - validation', () => {
  it.each([undefined, null, 'handler'])('ackAfter - handler %p throws a TypeError', (handler) => {
    const create = () => ackAfter(handler as never);
    expect(create).toThrow(TypeError);
    expect(create).toThrow('ackAfter needs a handler function');
  });

  it.each<[AckAfterConfig, string]>([
    [{ concurrency: 0 }, 'ackAfter option concurrency must be an integer >= 1'],
    [{ concurrency: 1.5 }, 'ackAfter option concurrency must be an integer >= 1'],
    [{ concurrency: NaN }, 'ackAfter option concurrency must be an integer >= 1'],
    [{ retry: { delays: [-1] } }, 'retry delays[0] must be a number of milliseconds between 0 and 2147483647, got -1'],
    [{ retry: { delays: [5, NaN] } }, 'retry delays[1] must be a number of milliseconds between 0 and 2147483647, got NaN'],
    [{ retry: { delays: [] } }, 'retry delays must be a non-empty array of milliseconds'],
    [{ retry: { factor: 0.5 } }, 'retry factor must be a number >= 1, got 0.5'],
    [{ retry: { jitter: 2 } }, 'retry jitter must be between 0 and 1, got 2'],
  ])('ackAfter - config %p throws a RangeError naming the option', (config, message) => {
    const create = () => ackAfter(() => undefined, config);
    expect(create).toThrow(RangeError);
    expect(create).toThrow(message);
  });

  it('ackAfter - deadLetterIf: an error it picks dead-letters at once with the error message; others are nacked for a retry', () => {
    const bad = new RangeError('no such customer');
    const handler = (item: Delivery<number>) => {
      if (item.id === 'a') throw bad;
      if (item.id === 'b') throw boom;
      return item.value;
    };
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c|', VALUES);
      const { a, b, c } = source.deliveries;
      const result = source.pipe(ackAfter(handler, { retry: { delays: [500] }, deadLetterIf: (error) => error instanceof RangeError }));
      helpers.expectObservable(result).toBe('-x-y-z|', { x: { ok: false, item: a, error: bad }, y: { ok: false, item: b, error: boom }, z: { ok: true, item: c, result: 3 } });
      expectDeadLetters(source).toBe('-a', { a: 'no such customer' });
      expectNacks(source).toBe('---b', { b: 500 });
      expectAcks(source).toBe('-----c');
    });
  });

  it('ackAfter - deadLetterIf that throws counts as false (nack); an item without deadLetter is nacked', () => {
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a|', VALUES);
      const throwing = () => {
        throw new Error('predicate bug');
      };
      source.pipe(ackAfter(() => { throw boom; }, { retry: { delays: [10] }, deadLetterIf: throwing })).subscribe();
      expectNacks(source).toBe('-a', { a: 10 });
      expectDeadLetters(source).toBe('');
    });
    const calls: string[] = [];
    const plain = { ack: () => (calls.push('ack'), Promise.resolve()), nack: () => (calls.push('nack'), Promise.resolve()) };
    from([plain]).pipe(ackAfter(() => { throw boom; }, { deadLetterIf: () => true })).subscribe();
    expect(calls).toEqual(['nack']);
  });

  it('ackAfter - a deadLetterIf that is not a function is a TypeError', () => {
    expect(() => ackAfter(() => 1, { deadLetterIf: 'yes' as unknown as () => boolean })).toThrow('ackAfter option deadLetterIf must be a function');
  });
});
