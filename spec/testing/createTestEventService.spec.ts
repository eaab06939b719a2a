import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { eventStream } from 'rx-redis-events';
import { createTestEventService } from 'rx-redis-events/testing';

describe('createTestEventService', () => {
  it("createTestEventService - streams with the 'json' and a custom codec are produced and consumed in virtual time", () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const orders = eventStream<{ id: number }>('orders', { codec: 'json' });
    const lines = eventStream<{ sku: string; qty: number }>('lines', { codec: { encode: (line) => `${line.sku}|${line.qty}`, decode: (text) => ({ sku: text.split('|')[0] as string, qty: Number(text.split('|')[1]) }) } });
    const raw = eventStream<string>('lines', { codec: { encode: (text) => text, decode: (text) => text } });
    testScheduler.run(({ cold, expectObservable }) => {
      const billing = createTestEventService({ group: 'billing', scheduler: testScheduler });
      cold('-a-b|').subscribe((letter) => void billing.produce(orders, { id: letter === 'a' ? 1 : 2 }));
      cold('--c|').subscribe(() => void billing.produce(lines, { sku: 'x', qty: 3 }));
      expectObservable(billing.consume(orders, { from: 'start' }).pipe(map((delivery) => (void delivery.ack(), delivery.value))), '^ 9ms !').toBe('-a-b', { a: { id: 1 }, b: { id: 2 } });
      expectObservable(billing.consume(lines, { from: 'start' }).pipe(map((delivery) => (void delivery.ack(), delivery.value))), '^ 9ms !').toBe('--c', { c: { sku: 'x', qty: 3 } });
      const audit = createTestEventService({ group: 'audit', scheduler: testScheduler, broker: billing.broker });
      expectObservable(audit.consume(raw, { from: 'start' }).pipe(map((delivery) => (void delivery.ack(), delivery.value))), '^ 9ms !').toBe('--c', { c: 'x|3' });
    });
  });
});
