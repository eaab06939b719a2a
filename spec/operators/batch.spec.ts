import { map, tap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createTestScheduler, expectAcks, expectDeadLetters, expectNacks, fakeDeliveries } from 'rx-redis-events/testing';
import { batch, type BatchConfig, type DeliveryBatch } from '../../src/operators/batch';

// Every test passes the TestScheduler as `scheduler`, except the one about the default (asyncScheduler,
// which TestScheduler.run() makes virtual).
const VALUES: Record<string, number> = { a: 1, b: 2, c: 3, d: 4 };
const viewOf = (b: DeliveryBatch<number>) => ({ ids: b.deliveries.map((delivery) => delivery.id).join(''), values: b.values });
const viewsOf = (batches: Record<string, string>) =>
  Object.fromEntries(Object.entries(batches).map(([name, ids]) => [name, { ids, values: [...ids].map((id) => VALUES[id]) }]));

let testScheduler: TestScheduler;
beforeEach(() => {
  testScheduler = createTestScheduler();
});

interface Case {
  readonly config: Omit<BatchConfig, 'scheduler'>;
  readonly source: string;
  readonly expected: string;
  /** The deliveries of each emitted batch, by marble name: `{ x: 'ab' }` is the batch of a and b. */
  readonly batches: Record<string, string>;
  /** The deliveries settled when each batch is settled as it is emitted. */
  readonly settled: string;
}

const cases: Case[] = [
  {
    config: { maxLatency: 5, maxBatchSize: 2 },
    source:   '-a-b-c------|',
    expected: '---x----y---|',
    settled:  '---(ab)-c',
    batches: { x: 'ab', y: 'c' },
  },
  {
    config: { maxLatency: 4, maxBatchSize: 3 },
    source:   '-ab-------c--d|',
    expected: '----x-------y-(z|)',
    settled:  '----(ab)----c-d',
    batches: { x: 'ab', y: 'c', z: 'd' },
  },
  {
    config: { maxLatency: 6, maxBatchSize: 3 }, // the window restarts when a full batch leaves
    source:   '-abcd-----|',
    expected: '---x-----y|',
    settled:  '---(abc)-d',
    batches: { x: 'abc', y: 'd' },
  },
  {
    config: { maxLatency: 10, maxBatchSize: 1 },
    source:   '-a-b-c|',
    expected: '-x-y-z|',
    settled:  '-a-b-c',
    batches: { x: 'a', y: 'b', z: 'c' },
  },
];

describe.each(cases)('batch (maxLatency $config.maxLatency, maxBatchSize $config.maxBatchSize)', ({ config, source, expected, batches, settled }) => {
  it('batch - emits full batches at once and partial ones when the window closes, in delivery order', () => {
    testScheduler.run((helpers) => {
      const result = fakeDeliveries(helpers, source, VALUES).pipe(batch({ ...config, scheduler: testScheduler }), map(viewOf));
      helpers.expectObservable(result).toBe(expected, viewsOf(batches));
    });
  });

  it('batch - empty windows emit nothing', () => {
    testScheduler.run((helpers) => {
      helpers.expectObservable(fakeDeliveries(helpers, '---------------|').pipe(batch({ ...config, scheduler: testScheduler }))).toBe('---------------|');
    });
  });

  it('batch - ack() acks every delivery exactly once, even when called twice, and resolves', async () => {
    const acks: Promise<void>[] = [];
    testScheduler.run((helpers) => {
      const deliveries = fakeDeliveries(helpers, source, VALUES);
      const settle = tap((b: DeliveryBatch<number>) => acks.push(b.ack(), b.ack()));
      helpers.expectObservable(deliveries.pipe(batch({ ...config, scheduler: testScheduler }), settle, map(viewOf))).toBe(expected, viewsOf(batches));
      expectAcks(deliveries).toBe(settled);
      expectNacks(deliveries).toBe('');
    });
    await expect(Promise.all(acks)).resolves.toEqual(acks.map(() => undefined));
  });

  it('batch - nack({ delayMs }) nacks every delivery once with the delay', () => {
    testScheduler.run((helpers) => {
      const deliveries = fakeDeliveries(helpers, source, VALUES);
      const settle = tap((b: DeliveryBatch<number>) => void Promise.all([b.nack({ delayMs: 250 }), b.ack()]));
      helpers.expectObservable(deliveries.pipe(batch({ ...config, scheduler: testScheduler }), settle, map(viewOf))).toBe(expected, viewsOf(batches));
      expectAcks(deliveries).toBe('');
      expectNacks(deliveries).toBe(settled, { a: 250, b: 250, c: 250, d: 250 });
    });
  });

  it('batch - deadLetter(reason) dead-letters every delivery once with the reason', () => {
    testScheduler.run((helpers) => {
      const deliveries = fakeDeliveries(helpers, source, VALUES);
      const settle = tap((b: DeliveryBatch<number>) => void Promise.all([b.deadLetter('bad batch'), b.nack(), b.deadLetter('again')]));
      helpers.expectObservable(deliveries.pipe(batch({ ...config, scheduler: testScheduler }), settle, map(viewOf))).toBe(expected, viewsOf(batches));
      expectAcks(deliveries).toBe('');
      expectNacks(deliveries).toBe('');
      expectDeadLetters(deliveries).toBe(settled, { a: 'bad batch', b: 'bad batch', c: 'bad batch', d: 'bad batch' });
    });
  });
});

describe('batch', () => {
  it('batch - completion emits the open batch at once', () => {
    testScheduler.run((helpers) => {
      const result = fakeDeliveries(helpers, '-a-b|', VALUES).pipe(batch({ maxLatency: 10, maxBatchSize: 5, scheduler: testScheduler }), map(viewOf));
      helpers.expectObservable(result).toBe('----(x|)', viewsOf({ x: 'ab' }));
    });
  });

  it('batch - a source error is passed on at once, dropping the open batch', () => {
    const boom = new Error('boom');
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c-#', VALUES, { error: boom });
      const result = source.pipe(batch({ maxLatency: 5, maxBatchSize: 2, scheduler: testScheduler }), map(viewOf));
      helpers.expectObservable(result).toBe('---x---#', viewsOf({ x: 'ab' }), boom);
    });
  });

  it('batch - without a scheduler, uses asyncScheduler (virtual under TestScheduler.run)', () => {
    testScheduler.run((helpers) => {
      const result = fakeDeliveries(helpers, '-a-b-c------|', VALUES).pipe(batch({ maxLatency: 5, maxBatchSize: 2 }), map(viewOf));
      helpers.expectObservable(result).toBe('---x----y---|', viewsOf({ x: 'ab', y: 'c' }));
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
    expect(create).toThrow(`batch option maxLatency must be a number of milliseconds between 1 and 2147483647, got ${String(maxLatency)}`);
  });

  it.each([undefined, null])('batch - config %p throws a TypeError naming the options', (config) => {
    const create = () => batch(config as unknown as BatchConfig);
    expect(create).toThrow(TypeError);
    expect(create).toThrow('batch needs { maxLatency, maxBatchSize }');
  });

  it('batch - detached ack, nack and deadLetter of a batch settle every delivery of it', () => {
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c-d|', VALUES);
      const settle = (b: DeliveryBatch<number>, index: number) => {
        const { ack, nack, deadLetter } = b;
        return index === 0 ? ack() : index === 1 ? nack({ delayMs: 7 }) : deadLetter('gone');
      };
      const batches = source.pipe(batch({ maxLatency: 100, maxBatchSize: 1, scheduler: testScheduler }), map(settle));
      helpers.expectObservable(batches.pipe(map(() => 'x'))).toBe('-x-x-x-x|');
      expectAcks(source).toBe('-a');
      expectNacks(source).toBe('---b', { b: 7 });
      expectDeadLetters(source).toBe('-----c-d', { c: 'gone', d: 'gone' });
    });
  });
});

