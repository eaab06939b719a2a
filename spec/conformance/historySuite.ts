import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { DecodeError, eventStream, type StreamEntry } from '../../src';
import { compareStreamIds, idTime, parseStreamId, type StreamId } from '../../src/internal/streamId';
import { partitionOf } from '../../src/partitions/partitionOf';
import type { BackendContext } from './backend';
import { uniqueName } from './helpers';
import { sleep } from '../support/eventually';

interface Move {
  readonly player: string;
  readonly n: number;
}

const all = <T>(source: import('rxjs').Observable<T>) => firstValueFrom(source.pipe(toArray()));
const sid = (id: string) => parseStreamId(id) as StreamId;
const shown = (entries: readonly StreamEntry<Move>[]) => entries.map((entry) => `${entry.value.player}${entry.value.n}`);

/** `history`: reading a stream's past without a group, every partition merged in id order. */
export function historySuite(ctx: () => BackendContext): void {
  it('history - reads every entry of 16 partitions in id order (a tie goes to the lower partition), then completes', async () => {
    const moves = eventStream<Move>(uniqueName('moves'), { partitions: 16, key: (move) => move.player });
    const service = ctx().createService({ group: 'G' });
    const produced: { id: string; partition: number; move: Move }[] = [];
    for (let n = 0; n < 5; n++) {
      const batch = Array.from({ length: 40 }, (_, p) => ({ player: `p${p}`, n }));
      const ids = await service.produce(moves, ...batch);
      batch.forEach((move, index) => produced.push({ id: ids[index] as string, partition: partitionOf(move.player, 16), move }));
    }
    produced.sort((a, b) => compareStreamIds(sid(a.id), sid(b.id)) || a.partition - b.partition);

    const entries = await all(service.history(moves, { pageSize: 32 }));
    expect(entries.map((entry) => [entry.id, entry.value, entry.key])).toEqual(produced.map(({ id, move }) => [id, move, move.player]));
    expect(entries[0]?.producedAt).toEqual(idTime(produced[0]?.id as string));
    // nothing was created, delivered or acked
    expect((await service.describe(moves)).groups).toEqual([]);
  });

  it('history - from and to as moments, and as ids (both included)', async () => {
    const moves = eventStream<Move>(uniqueName('moves'), { partitions: 3, key: (move) => move.player });
    const service = ctx().createService({ group: 'G' });
    const batches: string[][] = [];
    for (let n = 1; n <= 3; n++) {
      batches.push(await service.produce(moves, ...['a', 'b', 'c', 'd'].map((player) => ({ player, n }))));
      await sleep(3);
    }
    const second = batches[1] as string[];
    const moments = second.map((id) => idTime(id).getTime());
    const between = await all(service.history(moves, { from: new Date(Math.min(...moments)), to: new Date(Math.max(...moments)) }));
    expect(shown(between).sort()).toEqual(['a2', 'b2', 'c2', 'd2']);

    const numbers = eventStream<number>(uniqueName('numbers'));
    const ids = await service.produce(numbers, 1, 2, 3, 4, 5);
    expect((await all(service.history(numbers, { from: ids[1] as string, to: ids[3] as string }))).map((entry) => entry.value)).toEqual([2, 3, 4]);
    expect((await all(service.history(numbers, { from: ids[3] as string }))).map((entry) => entry.value)).toEqual([4, 5]);
    expect((await all(service.history(numbers, { to: ids[0] as string }))).map((entry) => entry.value)).toEqual([1]);
    expect(await all(service.history(numbers, { from: ids[3] as string, to: ids[1] as string }))).toEqual([]);
    expect(await all(service.history(eventStream<number>(uniqueName('missing'), { partitions: 4 })))).toEqual([]);
  });

  it('history - ends at the last entry when subscribing: what is produced while it reads is left out', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'G' });
    await service.produce(numbers, 1, 2, 3);
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) => {
      service.history(numbers, { pageSize: 1 }).subscribe({
        next: (entry) => {
          seen.push(entry.value);
          if (entry.value === 1) void service.produce(numbers, 4);
        },
        error: reject,
        complete: resolve,
      });
    });
    expect(seen).toEqual([1, 2, 3]);
    expect((await all(service.history(numbers))).map((entry) => entry.value)).toEqual([1, 2, 3, 4]);
  });

  it('history - a bad bound is a TypeError naming the option, at the call', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'G' });
    expect(() => service.history(numbers, { from: 'yesterday' })).toThrow(new TypeError(`rx-redis-events: history option from must be a Date or an entry id such as 1700000000000-0, got "yesterday"`));
    expect(() => service.history(numbers, { to: new Date(Number.NaN) })).toThrow(new TypeError(`rx-redis-events: history option to must be a Date or an entry id such as 1700000000000-0, got an invalid Date`));
    expect(() => service.history(numbers, { pageSize: 0 })).toThrow(RangeError);
    await service.produce(numbers, 1, 2, 3);
    expect((await firstValueFrom(service.history(numbers).pipe(take(2), toArray()))).map((entry) => entry.value)).toEqual([1, 2]);
  });

  it('history - rebuilds a projection (the Operating guide quotes it)', async () => {
    const Orders = eventStream<{ customer: string; total: number }>(uniqueName('orders'), { partitions: 4, key: (order) => order.customer });
    const service = ctx().createService({ group: 'G' });
    await service.produce(Orders, { customer: 'ann', total: 5 }, { customer: 'bob', total: 7 }, { customer: 'ann', total: 3 });
    const totals = new Map<string, number>();
    await lastValueFrom(service.history(Orders).pipe(tap((entry) => totals.set(entry.value.customer, (totals.get(entry.value.customer) ?? 0) + entry.value.total))), { defaultValue: undefined });
    expect([...totals].sort()).toEqual([
      ['ann', 8],
      ['bob', 7],
    ]);
  });

  it('history - an entry that cannot be decoded is skipped and reported to onError; the reading goes on', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const errors: unknown[] = [];
    const service = ctx().createService({ group: 'G', onError: (error) => errors.push(error) });
    await service.produce(numbers, 1);
    const bad = await ctx().appendRaw(numbers.name, { x: '2' });
    await service.produce(numbers, 3);
    expect((await all(service.history(numbers, { pageSize: 1 }))).map((entry) => entry.value)).toEqual([1, 3]);
    expect(errors.map((error) => [error instanceof DecodeError, (error as DecodeError).id])).toEqual([[true, bad]]);
  });
}
