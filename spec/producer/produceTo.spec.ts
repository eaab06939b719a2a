import { firstValueFrom, lastValueFrom, map, of, take, tap, toArray } from 'rxjs';
import { createEventService, EncodeError, eventStream, type EventService } from '../../src';
import { produceTo, type Producing } from '../../src/producer/produceTo';

const Ticks = eventStream<{ n: number }>('ticks');

describe('produceTo', () => {
  const services: EventService[] = [];
  const open = (): EventService => {
    const service = createEventService({ group: 'g' });
    services.push(service);
    return service;
  };
  afterEach(() => Promise.all(services.splice(0).map((service) => service.close())));

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

  it('produceTo - keeps at most `concurrency` produce calls waiting for the broker', async () => {
    const waiting: (() => void)[] = [];
    let mostWaiting = 0;
    const producing: Producing = {
      produce: <T>(_stream: unknown, ...events: T[]) =>
        new Promise<string[]>((resolve) => {
          waiting.push(() => resolve([`id-${String(events[0])}`]));
          mostWaiting = Math.max(mostWaiting, waiting.length);
        }),
    };
    const ids: string[] = [];
    of(1, 2, 3, 4, 5).pipe(produceTo(producing, eventStream<number>('numbers'), { concurrency: 2 })).subscribe((id) => ids.push(id));
    while (waiting.length > 0) {
      waiting.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(mostWaiting).toBe(2);
    expect(ids).toStrictEqual(['id-1', 'id-2', 'id-3', 'id-4', 'id-5']);
  });

  it.each([0, -1, 1.5, NaN])('produceTo - concurrency %p throws a RangeError naming it', (concurrency) => {
    const create = () => produceTo(open(), Ticks, { concurrency });
    expect(create).toThrow(RangeError);
    expect(create).toThrow('produceTo option concurrency must be an integer >= 1');
  });
});
