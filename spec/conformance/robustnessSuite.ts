import { firstValueFrom, map, mergeMap } from 'rxjs';
import { autoAck, broadcastStream, eventStream, ServiceClosedError } from '../../src';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually } from '../support/eventually';

/** Edge cases found in review: handlers that produce, leaving mid-read, throwing listeners, use after close. */
export function robustnessSuite(ctx: () => BackendContext): void {
  const stream = () => eventStream<number>(uniqueName('numbers'));

  it('handlers that produce - an event produced from inside a handler reaches every group, and nothing after it is skipped', async () => {
    const numbers = stream();
    const [one, two] = [ctx().createService({ group: 'one' }), ctx().createService({ group: 'two' })];
    const seen = { one: [] as number[], two: [] as number[] };
    one.consume(numbers, { from: 'start' }).pipe(
      mergeMap(async (d) => {
        seen.one.push(d.value);
        if (d.value === 1) await one.produce(numbers, 2);
        await d.ack();
      }),
    ).subscribe();
    two.consume(numbers, { from: 'start', maxInFlight: 1 }).pipe(autoAck()).subscribe((d) => seen.two.push(d.value));
    await one.produce(numbers, 1);
    await eventually('the handler produced 2', () => seen.one.length === 2);
    await one.produce(numbers, 3);
    await eventually('three events in each group', () => seen.one.length === 3 && seen.two.length === 3, 3000);
    expect(seen).toEqual({ one: [1, 2, 3], two: [1, 2, 3] });
  });

  it('leaving mid-read - what a subscription read but never emitted goes to the next subscription at once', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, 1, 2, 3, 4, 5);
    const got: number[] = [];
    for (let round = 0; round < 5; round++) {
      const d = await firstValueFrom(service.consume(numbers, { from: 'start' }));
      got.push(d.value);
      await d.ack();
    }
    expect(got).toEqual([1, 2, 3, 4, 5]);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(0);
  });

  it('listeners - an onError that throws breaks neither consumption nor the process', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A', onError: () => { throw new Error('listener bug'); } });
    await ctx().appendRaw(numbers.name, { v: 'not json' });
    await service.produce(numbers, 7);
    const values = await collect(service.consume(numbers, { from: 'start' }).pipe(autoAck(), map((d) => d.value)), 1);
    expect(values).toEqual([7]);
  });

  it('after close - an Observable from listen() taken before close() errors when subscribed afterwards', async () => {
    const channel = broadcastStream<string>(uniqueName('bc'));
    const service = ctx().createService({ group: 'A' });
    const later = service.listen(channel);
    await service.close();
    await expect(firstValueFrom(later)).rejects.toThrow(ServiceClosedError);
    await expect(service.listening(channel)).rejects.toThrow(ServiceClosedError);
  });
}
