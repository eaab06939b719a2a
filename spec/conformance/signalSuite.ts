import { firstValueFrom, toArray } from 'rxjs';
import { broadcastStream, eventStream, type Delivery } from '../../src';
import type { BackendContext } from './backend';
import { uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

/** `signal` on consume and listen: aborting completes the Observable as unsubscribing would. */
export function signalSuite(ctx: () => BackendContext): void {
  it('consume signal - aborting completes the Observable; un-acked deliveries stay pending and come back', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'A', closeTimeoutMs: 50 });
    await service.produce(numbers, 1, 2, 3);
    const controller = new AbortController();
    const seen: Delivery<number>[] = [];
    let completed = false;
    service.consume(numbers, { from: 'start', signal: controller.signal }).subscribe({ next: (d) => seen.push(d), complete: () => (completed = true) });
    await eventually('three deliveries', () => seen.length === 3);
    await seen[0]?.ack();
    controller.abort();
    expect(completed).toBe(true);
    await sleep(100);
    expect(seen.map((d) => d.value)).toEqual([1, 2, 3]);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(2);
    const other = ctx().createService({ group: 'A', closeTimeoutMs: 50 });
    const again: number[] = [];
    const subscription = other.consume(numbers, { claimIdleAfterMs: 100 }).subscribe((d) => (again.push(d.value), void d.ack()));
    await eventually('the two un-acked', () => again.length === 2);
    expect([...again].sort()).toEqual([2, 3]);
    subscription.unsubscribe();
  });

  it('consume signal - a signal aborted already completes at once, with nothing read', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, 1);
    expect(await firstValueFrom(service.consume(numbers, { from: 'start', signal: AbortSignal.abort() }).pipe(toArray()))).toEqual([]);
    expect((await service.describe(numbers)).groups).toEqual([]);
  });

  it('listen signal - aborting completes the Observable and drops the broker subscription', async () => {
    const channel = broadcastStream<string>(uniqueName('bc'));
    const service = ctx().createService({ group: 'A' });
    const controller = new AbortController();
    const listened = firstValueFrom(service.listen(channel, { signal: controller.signal }).pipe(toArray()));
    await service.listening(channel);
    await service.broadcast(channel, 'before');
    await eventually('a subscription', async () => (await ctx().subscriptionCount(channel.name)) === 1);
    await sleep(50);
    controller.abort();
    await service.broadcast(channel, 'after');
    expect(await listened).toEqual(['before']);
    await eventually('no subscription', async () => (await ctx().subscriptionCount(channel.name)) === 0);
  });

  it('listen signal - a signal aborted already completes at once', async () => {
    const channel = broadcastStream<string>(uniqueName('bc'));
    const service = ctx().createService({ group: 'A' });
    expect(await firstValueFrom(service.listen(channel, { signal: AbortSignal.abort() }).pipe(toArray()))).toEqual([]);
    expect(await ctx().subscriptionCount(channel.name)).toBe(0);
  });

  it('signal - anything but an AbortSignal is a TypeError naming the option', () => {
    const service = ctx().createService({ group: 'A' });
    const bad = { signal: 'stop' as unknown as AbortSignal };
    expect(() => service.consume(eventStream<number>('n'), bad)).toThrow(new TypeError('rx-redis-events: consume option signal must be an AbortSignal, got "stop"'));
    expect(() => service.listen(broadcastStream<string>('b'), bad)).toThrow(new TypeError('rx-redis-events: listen option signal must be an AbortSignal, got "stop"'));
  });
}
