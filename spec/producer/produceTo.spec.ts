import { concat, firstValueFrom, interval, lastValueFrom, map, NEVER, of, take, tap, toArray } from 'rxjs';
import { EncodeError, eventStream } from '../../src';
import { produceTo, type ProduceToService } from '../../src/producer/produceTo';
import { useMemoryServices } from '../support/useMemoryServices';

const Ticks = eventStream<{ n: number }>('ticks');

describe('produceTo', () => {
  const open = useMemoryServices();

  it('produceTo - emits one entry id per value, in order, and the values land in the stream', async () => {
    const service = open();
    const ids = await lastValueFrom(of({ n: 1 }, { n: 2 }, { n: 3 }).pipe(produceTo(service, Ticks), toArray()));
    expect(new Set(ids).size).toBe(3);
    const stored = service.consume(Ticks, { from: 'start' }).pipe(
      take(3),
      tap((delivery) => void delivery.ack()), // close() waits for un-settled deliveries
      map((delivery) => ({ id: delivery.id, value: delivery.value })),
      toArray(),
    );
    expect(await firstValueFrom(stored)).toStrictEqual([
      { id: ids[0], value: { n: 1 } },
      { id: ids[1], value: { n: 2 } },
      { id: ids[2], value: { n: 3 } },
    ]);
  });

  it('produceTo - a value that cannot be encoded errors the output with an EncodeError naming the stream', async () => {
    const service = open();
    const bad = { n: 1, f: () => 1 } as { n: number };
    const produced = lastValueFrom(of(bad).pipe(produceTo(service, Ticks), toArray()));
    await expect(produced).rejects.toBeInstanceOf(EncodeError);
    await expect(produced).rejects.toMatchObject({ stream: 'ticks', path: 'value.f' });
  });

  it('produceTo - values of one tick go in one produce call, up to maxBatchSize, and ids come out in source order even when calls answer out of order', async () => {
    const calls: { events: number[]; answer: () => void }[] = [];
    const producing: ProduceToService = {
      produce: <T>(_stream: unknown, ...events: T[]) =>
        new Promise<string[]>((resolve) => calls.push({ events: events as number[], answer: () => resolve(events.map((n) => `id-${String(n)}`)) })),
    };
    const ids: string[] = [];
    let completed = false;
    of(1, 2, 3, 4, 5).pipe(produceTo(producing, eventStream<number>('numbers'), { maxBatchSize: 2 })).subscribe({ next: (id) => ids.push(id), complete: () => (completed = true) });
    await Promise.resolve();
    expect(calls.map((call) => call.events)).toStrictEqual([[1, 2], [3, 4], [5]]);
    calls[2]?.answer();
    calls[1]?.answer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ids).toStrictEqual([]);
    calls[0]?.answer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ids).toStrictEqual(['id-1', 'id-2', 'id-3', 'id-4', 'id-5']);
    expect(completed).toBe(true);
  });

  it('produceTo - values arriving in different ticks are produced one call each', async () => {
    const service = open();
    const produce = jest.spyOn(service, 'produce');
    const ids = await lastValueFrom(interval(1).pipe(take(3), map((n) => ({ n })), produceTo(service, Ticks), toArray()));
    expect(ids.length).toBe(3);
    expect(produce.mock.calls.map((call) => call.length - 1)).toStrictEqual([1, 1, 1]);
  });

  it('produceTo - a later call failing while an earlier one waits errors the output after the earlier ids, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let answerFirst: (() => void) | undefined;
    const producing: ProduceToService = {
      produce: <T>(_stream: unknown, ...events: T[]) =>
        events[0] === 1 ? new Promise<string[]>((resolve) => (answerFirst = () => resolve(['id-1']))) : Promise.reject(new Error('broker down')),
    };
    const ids: string[] = [];
    let failure: unknown;
    of(1, 2).pipe(produceTo(producing, eventStream<number>('numbers'), { maxBatchSize: 1 })).subscribe({ next: (id) => ids.push(id), error: (error: unknown) => (failure = error) });
    await new Promise((resolve) => setImmediate(resolve));
    answerFirst?.();
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
    expect([ids, (failure as Error).message, unhandled]).toStrictEqual([['id-1'], 'broker down', []]);
  });

  it('produceTo - unsubscribing before the tick ends writes nothing', async () => {
    const calls: number[][] = [];
    const producing: ProduceToService = { produce: <T>(_stream: unknown, ...events: T[]) => (calls.push(events as number[]), Promise.resolve([])) };
    concat(of(1, 2, 3), NEVER).pipe(produceTo(producing, eventStream<number>('numbers'))).subscribe().unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toStrictEqual([]);
  });

  it.each([0, -1, 1.5, NaN])('produceTo - maxBatchSize %p throws a RangeError naming it', (maxBatchSize) => {
    const create = () => produceTo(open(), Ticks, { maxBatchSize });
    expect(create).toThrow(RangeError);
    expect(create).toThrow('produceTo option maxBatchSize must be an integer >= 1');
  });
});
