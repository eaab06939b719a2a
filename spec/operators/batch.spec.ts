import { map, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { batch, type BatchConfig, type DeliveryBatch } from '../../src/operators/batch';
import { fakeDeliveries, type FakeDeliveries, type SettleCall } from '../support/fakeDeliveries';

// Every test passes the TestScheduler as `scheduler`, except the one about the default (asyncScheduler,
// which TestScheduler.run() makes virtual).
const VALUES: Record<string, number> = { a: 1, b: 2, c: 3, d: 4 };
const viewOf = (b: DeliveryBatch<number>) => ({ ids: b.deliveries.map((delivery) => delivery.id).join(''), values: b.values });
const viewsOf = (batches: Record<string, string>) =>
  Object.fromEntries(Object.entries(batches).map(([name, ids]) => [name, { ids, values: [...ids].map((id) => VALUES[id]) }]));

let testScheduler: TestScheduler;
let fake: FakeDeliveries;
beforeEach(() => {
  testScheduler = new TestScheduler((actual, wanted) => expect(actual).toStrictEqual(wanted));
  fake = fakeDeliveries({ clock: testScheduler });
});

interface Case {
  readonly config: Omit<BatchConfig, 'scheduler'>;
  readonly source: string;
  readonly expected: string;
  /** The deliveries of each emitted batch, by marble name: `{ x: 'ab' }` is the batch of a and b. */
  readonly batches: Record<string, string>;
}

const cases: Case[] = [
  {
    config: { maxLatency: 5, maxBatchSize: 2 },
    source:   '-a-b-c------|',
    expected: '---x----y---|',
    batches: { x: 'ab', y: 'c' },
  },
  {
    config: { maxLatency: 4, maxBatchSize: 3 },
    source:   '-ab-------c--d|',
    expected: '----x-------y-(z|)',
    batches: { x: 'ab', y: 'c', z: 'd' },
  },
  {
    config: { maxLatency: 6, maxBatchSize: 3 }, // the window restarts when a full batch leaves
    source:   '-abcd-----|',
    expected: '---x-----y|',
    batches: { x: 'abc', y: 'd' },
  },
  {
    config: { maxLatency: 10, maxBatchSize: 1 },
    source:   '-a-b-c|',
    expected: '-x-y-z|',
    batches: { x: 'a', y: 'b', z: 'c' },
  },
];

describe.each(cases)('batch (maxLatency $config.maxLatency, maxBatchSize $config.maxBatchSize)', ({ config, source, expected, batches }) => {
  /** The calls expected when every delivery is settled like `call` at the frame its batch is emitted (call inside run()). */
  function settledAtEmission(call: { op: 'ack' } | { op: 'nack'; delayMs: number }): SettleCall[] {
    return TestScheduler.parseMarbles(expected, batches, undefined, false, true).flatMap(({ frame, notification }) =>
      notification.kind === 'N' ? [...(notification.value as string)].map((id) => ({ ...call, id, frame })) : [],
    );
  }

  it('batch - emits full batches at once and partial ones when the window closes, in delivery order', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold(source, fake.of(VALUES)).pipe(batch({ ...config, scheduler: testScheduler }), map(viewOf));
      expectObservable(result).toBe(expected, viewsOf(batches));
    });
  });

  it('batch - empty windows emit nothing', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<never>('---------------|').pipe(batch({ ...config, scheduler: testScheduler }))).toBe('---------------|');
    });
  });

  it('batch - ack() acks every delivery exactly once, even when called twice, and resolves', async () => {
    let wanted: SettleCall[] = [];
    const acks: Promise<void>[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      wanted = settledAtEmission({ op: 'ack' });
      const settle = tap((b: DeliveryBatch<number>) => acks.push(b.ack(), b.ack()));
      expectObservable(cold(source, fake.of(VALUES)).pipe(batch({ ...config, scheduler: testScheduler }), settle, map(viewOf))).toBe(expected, viewsOf(batches));
    });
    expect(fake.calls).toEqual(wanted);
    await expect(Promise.all(acks)).resolves.toEqual(acks.map(() => undefined));
  });

  it('batch - nack({ delayMs }) nacks every delivery once with the delay', () => {
    let wanted: SettleCall[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      wanted = settledAtEmission({ op: 'nack', delayMs: 250 });
      const settle = tap((b: DeliveryBatch<number>) => void Promise.all([b.nack({ delayMs: 250 }), b.ack()]));
      expectObservable(cold(source, fake.of(VALUES)).pipe(batch({ ...config, scheduler: testScheduler }), settle, map(viewOf))).toBe(expected, viewsOf(batches));
    });
    expect(fake.calls).toEqual(wanted);
  });
});

describe('batch', () => {
  it('batch - completion emits the open batch at once', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('-a-b|', fake.of(VALUES)).pipe(batch({ maxLatency: 10, maxBatchSize: 5, scheduler: testScheduler }), map(viewOf));
      expectObservable(result).toBe('----(x|)', viewsOf({ x: 'ab' }));
    });
  });

  it('batch - a source error is passed on at once, dropping the open batch', () => {
    const boom = new Error('boom');
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('-a-b-c-#', fake.of(VALUES), boom).pipe(batch({ maxLatency: 5, maxBatchSize: 2, scheduler: testScheduler }), map(viewOf));
      expectObservable(result).toBe('---x---#', viewsOf({ x: 'ab' }), boom);
    });
  });

  it('batch - without a scheduler, uses asyncScheduler (virtual under TestScheduler.run)', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('-a-b-c------|', fake.of(VALUES)).pipe(batch({ maxLatency: 5, maxBatchSize: 2 }), map(viewOf));
      expectObservable(result).toBe('---x----y---|', viewsOf({ x: 'ab', y: 'c' }));
    });
  });

  it.each([0, 1.5, -1, NaN, '2'])('batch - maxBatchSize %p throws a RangeError naming it', (maxBatchSize) => {
    const create = () => batch({ maxLatency: 5, maxBatchSize: maxBatchSize as number });
    expect(create).toThrow(RangeError);
    expect(create).toThrow('batch option maxBatchSize must be an integer >= 1');
  });

  it.each([0, -1, NaN, Infinity])('batch - maxLatency %p throws a RangeError naming it', (maxLatency) => {
    const create = () => batch({ maxLatency, maxBatchSize: 2 });
    expect(create).toThrow(RangeError);
    expect(create).toThrow('batch option maxLatency must be a number of milliseconds >= 1');
  });

  it.each([undefined, null])('batch - config %p throws a TypeError naming the options', (config) => {
    const create = () => batch(config as unknown as BatchConfig);
    expect(create).toThrow(TypeError);
    expect(create).toThrow('batch needs { maxLatency, maxBatchSize }');
  });
});
