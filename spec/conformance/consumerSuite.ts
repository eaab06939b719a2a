import { map, mergeMap } from 'rxjs';
import { batch, eventStream, EventConsumer } from '../../src';
import type { BackendContext, BackendFeatures } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

/** Batching, UCloud-style consumers and ack coalescing, on a live service. */
export function consumerSuite(ctx: () => BackendContext, features: BackendFeatures): void {
  const stream = () => eventStream<number>(uniqueName('numbers'));

  it('batch - a backlog is cut at maxBatchSize and the rest flushed after maxLatency', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, ...Array.from({ length: 25 }, (_, index) => index));
    const started = Date.now();
    const batches = await collect(
      service.consume(numbers, { from: 'start' }).pipe(
        batch({ maxLatency: 300, maxBatchSize: 10 }),
        mergeMap(async (b) => (await b.ack(), { values: b.values, after: Date.now() - started })),
      ),
      3,
    );
    expect(batches.map((b) => b.values.length)).toEqual([10, 10, 5]);
    expect(batches.flatMap((b) => b.values)).toEqual(Array.from({ length: 25 }, (_, index) => index));
    expect(batches[2]?.after).toBeLessThan(1500);
    await eventually('acks', async () => (await ctx().pendingCount(numbers.name, 'A')) === 0);
  });

  it('EventConsumer.Immediate - returning nothing or false acks; throwing gives the event back for redelivery', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A', onError: () => undefined });
    const calls: string[] = [];
    const attempts = new Map<number, number>();
    service.subscribe(
      numbers,
      EventConsumer.Immediate((n: number) => {
        const attempt = (attempts.get(n) ?? 0) + 1;
        attempts.set(n, attempt);
        calls.push(`${n}#${attempt}`);
        if (n === 1) return false;
        if (n === 2 && attempt === 1) throw new Error('boom');
      }),
      { from: 'start' },
    );
    await service.produce(numbers, 0, 1, 2);
    await eventually('four calls', () => calls.length === 4);
    await eventually('acks', async () => (await ctx().pendingCount(numbers.name, 'A')) === 0);
    await sleep(100);
    expect([...calls].sort()).toEqual(['0#1', '1#1', '2#1', '2#2']);
  });

  it('EventConsumer.Batched - the handler gets batches; returning acks the whole batch', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    const batches: number[][] = [];
    service.subscribe(
      numbers,
      EventConsumer.Batched({ maxLatency: 100, maxBatchSize: 4 }, (values: number[]) => {
        batches.push(values);
        return Promise.resolve();
      }),
      { from: 'start' },
    );
    await service.produce(numbers, 1, 2, 3, 4, 5, 6);
    await eventually('six values', () => batches.flat().length === 6);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(batches.every((b) => b.length >= 1 && b.length <= 4)).toBe(true);
    await eventually('acks', async () => (await ctx().pendingCount(numbers.name, 'A')) === 0);
  });

  if (features.commandStats) it('acks - the acks of one tick become one XACK', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, ...Array.from({ length: 200 }, (_, index) => index));
    const deliveries = await collect(service.consume(numbers, { from: 'start' }), 200);
    const before = await ctx().commandCount('xack');
    await Promise.all(deliveries.map((d) => d.ack()));
    expect((await ctx().commandCount('xack')) - before).toBe(1);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(0);
  });

  it('produceTo-style pipelines - acked values are never delivered again to the group', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, 1, 2, 3);
    const got = await collect(service.consume(numbers, { from: 'start' }).pipe(map((d) => (void d.ack(), d.value))), 3);
    await sleep(100);
    const again = ctx().createService({ group: 'A' });
    await again.produce(numbers, 4);
    const next = await collect(again.consume(numbers, { claimIdleAfterMs: 50 }).pipe(map((d) => (void d.ack(), d.value))), 1);
    expect([...got, ...next]).toEqual([1, 2, 3, 4]);
  });
}
