import { map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createTestScheduler, expectAcks, expectNacks, fakeDeliveries } from 'rx-redis-events/testing';
import type { Delivery } from '../../src/consumer/Delivery';
import { EventConsumer } from '../../src/operators/EventConsumer';
import type { HandlingOutcome } from '../../src/operators/ackAfter';
import type { DeliveryBatch } from '../../src/operators/batch';
import * as api from '../../src';

// One rule for handlers: a handler fails by throwing or rejecting; what it returns never decides ack or nack.
const VALUES = { a: 1, b: 2, c: 3, d: 4 };
const boom = new Error('boom');

let testScheduler: TestScheduler;
beforeEach(() => {
  testScheduler = createTestScheduler();
  jest.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter: the default retry's first delay is 1000 ms
});
afterEach(() => jest.restoreAllMocks());

describe('EventConsumer', () => {
  it('EventConsumer.Immediate - returning undefined, false or true acks; only a throw nacks', () => {
    const results: Record<string, unknown> = { a: undefined, b: false, c: true };
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c-d|', VALUES);
      const consumer = EventConsumer.Immediate<number>((value, delivery) => {
        if (delivery.id === 'd') throw boom;
        return results[delivery.id];
      }, {});
      helpers.expectObservable(consumer.operator(source)).toBe('-w-x-y-z|', {
        w: { ok: true, item: source.deliveries.a, result: undefined },
        x: { ok: true, item: source.deliveries.b, result: false },
        y: { ok: true, item: source.deliveries.c, result: true },
        z: { ok: false, item: source.deliveries.d, error: boom },
      });
      expectAcks(source).toBe('-a-b-c');
      expectNacks(source).toBe('-------d', { d: 1000 });
    });
  });

  it('EventConsumer.Immediate - a handler written as the seed writes it (returns nothing) acks every event', () => {
    const handled: number[] = [];
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c-d|', VALUES);
      helpers.expectObservable(EventConsumer.Immediate((value: number) => void handled.push(value)).operator(source)).toBe('-w-x-y-z|', {
        w: { ok: true, item: source.deliveries.a, result: undefined },
        x: { ok: true, item: source.deliveries.b, result: undefined },
        y: { ok: true, item: source.deliveries.c, result: undefined },
        z: { ok: true, item: source.deliveries.d, result: undefined },
      });
      expectAcks(source).toBe('-a-b-c-d');
      expectNacks(source).toBe('');
    });
    expect(handled).toEqual([1, 2, 3, 4]);
  });

  it('EventConsumer.Immediate - the handler gets the value, then the delivery', () => {
    const seen: [number, Delivery<number>][] = [];
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a|', VALUES);
      helpers.expectObservable(EventConsumer.Immediate((value: number, delivery: Delivery<number>) => void seen.push([value, delivery])).operator(source)).toBe('-x|', {
        x: { ok: true, item: source.deliveries.a, result: undefined },
      });
      helpers.flush();
      expect(seen).toEqual([[1, source.deliveries.a]]);
    });
  });

  it('EventConsumer.Batched - returning false or nothing acks the whole batch; a throw nacks it', () => {
    let calls = 0;
    const batches: [number[], readonly string[]][] = [];
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c-d|', VALUES);
      const consumer = EventConsumer.Batched<number>({ maxLatency: 100, maxBatchSize: 2 }, (values, b: DeliveryBatch<number>) => {
        batches.push([values, b.deliveries.map((d) => d.id)]);
        calls += 1;
        if (calls === 2) throw boom;
        return false;
      });
      const outcomes = consumer.operator(source).pipe(map((o) => o as HandlingOutcome<DeliveryBatch<number>, unknown>));
      const shown = outcomes.pipe(map((o) => (o.ok ? `acked ${String(o.result)}` : `nacked ${String(o.error)}`)));
      helpers.expectObservable(shown).toBe('---x---y|', { x: 'acked false', y: 'nacked Error: boom' });
      expectAcks(source).toBe('---(ab)');
      expectNacks(source).toBe('-------(cd)', { c: 1000, d: 1000 });
    });
    expect(batches).toEqual([
      [[1, 2], ['a', 'b']],
      [[3, 4], ['c', 'd']],
    ]);
  });

  it('EventConsumer - the boolean contract is gone: no HandlerDeclinedError is exported', () => {
    expect(Object.keys(api)).not.toContain('HandlerDeclinedError');
  });
});
