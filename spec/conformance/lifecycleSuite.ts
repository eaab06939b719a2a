import { firstValueFrom, tap, toArray } from 'rxjs';
import { autoAck, broadcastStream, eventStream, ServiceClosedError, type Delivery } from '../../src';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

/** close(): draining, completion, and what happens afterwards. */
export function lifecycleSuite(ctx: () => BackendContext): void {
  const stream = () => eventStream<number>(uniqueName('numbers'));

  it('close - completes every consume and listen Observable after delivering what was read', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, 1, 2);
    const channel = broadcastStream<string>(uniqueName('bc'));
    let read = 0;
    const consumed = firstValueFrom(service.consume(numbers, { from: 'start' }).pipe(autoAck(), tap(() => read++), toArray()));
    let heard = 0;
    const listened = firstValueFrom(service.listen(channel).pipe(tap(() => heard++), toArray()));
    await service.listening(channel);
    await service.broadcast(channel, 'hello');
    // a broadcast reaches a subscriber when the server pushes it (on a cluster, over the cluster bus): wait for it
    await eventually('acks and the broadcast', async () => read === 2 && heard === 1 && (await ctx().pendingCount(numbers.name, 'A')) === 0);
    await service.close();
    expect((await consumed).map((d) => d.value)).toEqual([1, 2]);
    expect(await listened).toEqual(['hello']);
  });

  it('close - waits for handlers still running, then their acks reach the broker', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(numbers, 1, 2);
    const held: Delivery<number>[] = [];
    let completed = false;
    service.consume(numbers, { from: 'start' }).subscribe({ next: (d) => held.push(d), complete: () => (completed = true) });
    await eventually('two deliveries', () => held.length === 2);
    let closed = false;
    const closing = service.close().then(() => (closed = true));
    await sleep(50);
    expect(closed).toBe(false);
    await held[0]?.ack();
    await held[1]?.ack();
    await closing;
    expect(completed).toBe(true);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(0);
  });

  it('close - gives up after closeTimeoutMs; the unsettled delivery stays pending for another instance', async () => {
    const numbers = stream();
    const service = ctx().createService({ group: 'A', closeTimeoutMs: 200 });
    await service.produce(numbers, 42);
    await collect(service.consume(numbers, { from: 'start' }), 1);
    const started = Date.now();
    await service.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(await ctx().pendingCount(numbers.name, 'A')).toBe(1);
    const heir = ctx().createService({ group: 'A' });
    const [again] = await collect(heir.consume(numbers, { claimIdleAfterMs: 100 }), 1);
    expect([again?.value, again?.deliveryCount]).toEqual([42, 2]);
    await again?.ack();
  });

  it('close - a delivery acked after close rejects with ServiceClosedError, each reported; one nobody awaits is no unhandled rejection', async () => {
    const numbers = stream();
    const reported: unknown[] = [];
    const service = ctx().createService({ group: 'A', closeTimeoutMs: 50, onError: (error) => reported.push(error) });
    await service.produce(numbers, 1, 2);
    const [first, second] = await collect(service.consume(numbers, { from: 'start' }), 2);
    await service.close();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      void first?.ack();
      await expect(second?.ack()).rejects.toThrow(ServiceClosedError);
      await sleep(20);
      expect(unhandled).toEqual([]);
      expect(reported.filter((error) => error instanceof ServiceClosedError)).toHaveLength(2);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('close - afterwards every method rejects with ServiceClosedError', async () => {
    const numbers = stream();
    const channel = broadcastStream<string>(uniqueName('bc'));
    const service = ctx().createService({ group: 'A' });
    await service.close();
    await expect(service.produce(numbers, 1)).rejects.toThrow(ServiceClosedError);
    await expect(service.broadcast(channel, 'x')).rejects.toThrow(ServiceClosedError);
    await expect(firstValueFrom(service.consume(numbers))).rejects.toThrow(ServiceClosedError);
    await expect(firstValueFrom(service.listen(channel))).rejects.toThrow(ServiceClosedError);
    expect(() => service.createProducer(numbers)).toThrow(ServiceClosedError);
    await expect(service.close()).resolves.toBeUndefined();
  });

  it('close - each method names itself in its ServiceClosedError: listening() says listening(), not listen()', async () => {
    const channel = broadcastStream<string>(uniqueName('bc'));
    const service = ctx().createService({ group: 'A' });
    await service.close();
    const failure = (method: string) => ({ name: 'ServiceClosedError', method, message: `${method}() called on the EventService of group "A" after close(); create a new service` });
    await expect(service.listening(channel)).rejects.toMatchObject(failure('listening'));
    await expect(firstValueFrom(service.listen(channel))).rejects.toMatchObject(failure('listen'));
    await expect(service.broadcast(channel, 'x')).rejects.toMatchObject(failure('broadcast'));
  });
}
