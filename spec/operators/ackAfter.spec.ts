import { from, lastValueFrom, map, toArray, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Delivery } from '../../src/consumer/Delivery';
import { ackAfter, type AckAfterConfig } from '../../src/operators/ackAfter';
import { fakeDeliveries, type FakeDeliveries } from '../support/fakeDeliveries';

// Handlers returning Observables run in virtual time (TestScheduler.run); Promise handlers run in real time.
const VALUES = { a: 1, b: 2, c: 3 };
const boom = new Error('boom');

let testScheduler: TestScheduler;
let fake: FakeDeliveries;
let d: Record<keyof typeof VALUES, Delivery<number>>;
beforeEach(() => {
  testScheduler = new TestScheduler((actual, expected) => expect(actual).toStrictEqual(expected));
  fake = fakeDeliveries({ clock: testScheduler });
  d = fake.of(VALUES);
});

describe('ackAfter', () => {
  it('ackAfter - sync handler: success acks once and emits { ok: true, item, result }', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('-a-b|', d).pipe(ackAfter((item) => item.value * 10));
      expectObservable(result).toBe('-x-y|', { x: { ok: true, item: d.a, result: 10 }, y: { ok: true, item: d.b, result: 20 } });
    });
    expect(fake.calls).toEqual([
      { op: 'ack', id: 'a', frame: 1 },
      { op: 'ack', id: 'b', frame: 3 },
    ]);
  });

  it('ackAfter - sync handler that throws: nacks once with the retry delay, emits the error, the stream goes on', () => {
    const handler = (item: Delivery<number>) => {
      if (item.id === 'b') throw boom;
      return item.value;
    };
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('-a-b-c|', d).pipe(ackAfter(handler, { retry: { delays: [500] } }));
      const outcomes = { x: { ok: true, item: d.a, result: 1 }, y: { ok: false, item: d.b, error: boom }, z: { ok: true, item: d.c, result: 3 } };
      expectObservable(result).toBe('-x-y-z|', outcomes);
    });
    expect(fake.calls).toEqual([
      { op: 'ack', id: 'a', frame: 1 },
      { op: 'nack', id: 'b', delayMs: 500, frame: 3 },
      { op: 'ack', id: 'c', frame: 5 },
    ]);
  });

  it('ackAfter - Observable handler: its last value is the result, acked when it completes', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const work = cold('-r-s|', { r: 'first', s: 'last' });
      expectObservable(cold('-a|', d).pipe(ackAfter(() => work))).toBe('-----(x|)', { x: { ok: true, item: d.a, result: 'last' } });
      expectSubscriptions(work.subscriptions).toBe('-^---!');
    });
    expect(fake.calls).toEqual([{ op: 'ack', id: 'a', frame: 5 }]);
  });

  it('ackAfter - Observable handler completing empty: success with result undefined', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', d).pipe(ackAfter(() => cold('--|')))).toBe('---(x|)', { x: { ok: true, item: d.a, result: undefined } });
    });
    expect(fake.calls).toEqual([{ op: 'ack', id: 'a', frame: 3 }]);
  });

  it('ackAfter - Observable handler that errors: nacks once with the retry delay, the stream completes', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('-a|', d).pipe(ackAfter(() => cold('--#', undefined, boom), { retry: { delays: [70] } }));
      expectObservable(result).toBe('---(x|)', { x: { ok: false, item: d.a, error: boom } });
    });
    expect(fake.calls).toEqual([{ op: 'nack', id: 'a', delayMs: 70, frame: 3 }]);
  });

  it('ackAfter - Promise handler: resolve acks, reject nacks with the retry delay', async () => {
    const real = fakeDeliveries(); // real time: every frame is 0
    const items = real.of(VALUES);
    const handler = async (item: Delivery<number>) => {
      await Promise.resolve();
      if (item.id === 'b') throw boom;
      return `done ${item.value}`;
    };
    const outcomes = await lastValueFrom(from([items.a, items.b, items.c]).pipe(ackAfter(handler, { retry: { delays: [9] } }), toArray()));
    expect(outcomes).toStrictEqual([
      { ok: true, item: items.a, result: 'done 1' },
      { ok: false, item: items.b, error: boom },
      { ok: true, item: items.c, result: 'done 3' },
    ]);
    expect(real.calls).toEqual([
      { op: 'ack', id: 'a', frame: 0 },
      { op: 'nack', id: 'b', delayMs: 9, frame: 0 },
      { op: 'ack', id: 'c', frame: 0 },
    ]);
  });
});

describe.each([
  { concurrency: 1, expected: '----x---y---(z|)', subscriptions: ['^---!', '----^---!', '--------^---!'], frames: [4, 8, 12] },
  { concurrency: 2, expected: '----(xy)(z|)', subscriptions: ['^---!', '^---!', '----^---!'], frames: [4, 4, 8] },
  { concurrency: 3, expected: '----(xyz|)', subscriptions: ['^---!', '^---!', '^---!'], frames: [4, 4, 4] },
])('ackAfter (concurrency $concurrency)', ({ concurrency, expected, subscriptions, frames }) => {
  it('ackAfter - runs at most `concurrency` handlers at once, in source order', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const work = cold('---r|');
      const handler = (item: Delivery<number>): Observable<number> => work.pipe(map(() => item.value * 10));
      const outcomes = { x: { ok: true, item: d.a, result: 10 }, y: { ok: true, item: d.b, result: 20 }, z: { ok: true, item: d.c, result: 30 } };
      expectObservable(cold('(abc|)', d).pipe(ackAfter(handler, { concurrency }))).toBe(expected, outcomes);
      expectSubscriptions(work.subscriptions).toBe(subscriptions);
    });
    expect(fake.calls).toEqual(['a', 'b', 'c'].map((id, i) => ({ op: 'ack', id, frame: frames[i] })));
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
    [{ retry: { delays: [-1] } }, 'retry delays[0] must be a number of milliseconds >= 0'],
    [{ retry: { delays: [5, NaN] } }, 'retry delays[1] must be a number of milliseconds >= 0'],
    [{ retry: { delays: [] } }, 'retry delays must be a non-empty array of milliseconds'],
    [{ retry: { factor: 0.5 } }, 'retry factor must be a number >= 1, got 0.5'],
    [{ retry: { jitter: 2 } }, 'retry jitter must be between 0 and 1, got 2'],
  ])('ackAfter - config %p throws a RangeError naming the option', (config, message) => {
    const create = () => ackAfter(() => undefined, config);
    expect(create).toThrow(RangeError);
    expect(create).toThrow(message);
  });
});
