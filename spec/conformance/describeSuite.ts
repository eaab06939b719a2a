import { eventStream, type Delivery, type GroupDescription, type StreamDescription } from '../../src';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually } from '../support/eventually';

const ages = (description: StreamDescription) => description.groups.flatMap((g) => [g.oldestPendingAgeMs, ...g.consumers.map((c) => c.idleMs)]);

/** `describe`: the same figures on every backend, for one scripted scenario. */
export function describeSuite(ctx: () => BackendContext): void {
  it('describe - a stream that does not exist describes as empty, with no groups, and is not created', async () => {
    const missing = eventStream<number>(uniqueName('missing'));
    const service = ctx().createService({ group: 'A' });
    const description = await service.describe(missing);
    expect(description).toEqual({
      stream: missing.name,
      length: 0,
      firstId: undefined,
      lastId: undefined,
      retention: undefined,
      deadLetters: 0,
      groups: [],
      scheduled: 0,
      nextDueAt: undefined,
      partitions: [{ key: expect.stringMatching(new RegExp(`${missing.name}$`)) as unknown, length: 0, firstId: undefined, lastId: undefined, groups: [], scheduled: 0, nextDueAt: undefined }],
    });
    expect(await ctx().streamLength(missing.name)).toBe(0);
  });

  it('describe - length, ids, retention, and per group: consumers, pending, lag, last delivered, oldest pending and dead letters', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'), { retention: { maxLength: 1000 } });
    const a = ctx().createService({ group: 'A', consumer: 'a', onError: () => undefined });
    const b = ctx().createService({ group: 'B', consumer: 'b' });
    const ids = await a.produce(numbers, ...Array.from({ length: 10 }, (_, n) => n));
    // A reads all 10: acks 6, nacks #3 into the dead-letter stream (maxDeliveries 1), holds #7, #8, #9
    const deliveries: Delivery<number>[] = await collect(a.consume(numbers, { from: 'start', maxDeliveries: 1 }), 10);
    await Promise.all(deliveries.filter((d) => [0, 1, 2, 4, 5, 6].includes(d.value)).map((d) => d.ack()));
    await deliveries[3]?.nack();
    // B holds a full window of 4 and reads no further
    await collect(b.consume(numbers, { from: 'start', maxInFlight: 4 }), 4);
    await eventually('A settled', async () => (await ctx().pendingCount(numbers.name, 'A')) === 3);
    await eventually('B holds 4', async () => (await ctx().pendingCount(numbers.name, 'B')) === 4);

    const description = await b.describe(numbers);
    const group = (name: string, rest: Omit<GroupDescription, 'name' | 'oldestPendingAgeMs' | 'consumers'>, consumer: string, pending: number) => ({
      name,
      consumers: [{ name: consumer, pending, idleMs: expect.any(Number) as unknown }],
      oldestPendingAgeMs: expect.any(Number) as unknown,
      ...rest,
    });
    const groups = [
      group('A', { pending: 3, lag: 0, lastDeliveredId: ids[9] as string, oldestPendingId: ids[7], deadLetters: 1 }, 'a#1', 3),
      group('B', { pending: 4, lag: 6, lastDeliveredId: ids[3] as string, oldestPendingId: ids[0], deadLetters: 0 }, 'b#1', 4),
    ];
    expect({ ...description, groups: [...description.groups].sort((x, y) => x.name.localeCompare(y.name)) }).toEqual({
      stream: numbers.name,
      length: 10,
      firstId: ids[0],
      lastId: ids[9],
      retention: { maxLength: 1000 },
      deadLetters: 1,
      groups,
      scheduled: 0,
      nextDueAt: undefined,
      partitions: [{ key: expect.stringMatching(new RegExp(`${numbers.name}$`)) as unknown, length: 10, firstId: ids[0], lastId: ids[9], groups: description.groups, scheduled: 0, nextDueAt: undefined }],
    });
    for (const age of ages(description)) expect(age).toBeGreaterThanOrEqual(0);
    for (const age of ages(description)) expect(age).toBeLessThan(10_000);
  });

  it('describe - lag counts what the group has not been given; nacks into the dead-letter stream, acks and redrives move the figures', async () => {
    const numbers = eventStream<number>(uniqueName('numbers'));
    const service = ctx().createService({ group: 'A', consumer: 'a' });
    const seen: Delivery<number>[] = [];
    // a window of one: the consumer reads one entry at a time and nothing more while it holds it
    const subscription = service.consume(numbers, { from: 'start', maxInFlight: 1, maxDeliveries: 1 }).subscribe((d) => seen.push(d));
    await service.produce(numbers, 1, 2);
    await eventually('first delivery', () => seen.length === 1);
    const figures = async () => {
      const { length, deadLetters, groups } = await service.describe(numbers);
      const [group] = groups;
      return { length, deadLetters, pending: group?.pending, lag: group?.lag, groupDeadLetters: group?.deadLetters, lastDeliveredId: group?.lastDeliveredId };
    };
    expect(await figures()).toEqual({ length: 2, deadLetters: 0, pending: 1, lag: 1, groupDeadLetters: 0, lastDeliveredId: seen[0]?.id });
    await seen[0]?.nack(); // maxDeliveries 1: into the dead-letter stream, and the window has room for #2
    await eventually('second delivery', () => seen.length === 2);
    expect(await figures()).toEqual({ length: 2, deadLetters: 1, pending: 1, lag: 0, groupDeadLetters: 1, lastDeliveredId: seen[1]?.id });
    await seen[1]?.ack();
    const [redriven] = await service.redrive(numbers);
    await eventually('redriven delivery', () => seen.length === 3);
    expect(seen[2]?.id).toBe(redriven);
    await service.produce(numbers, 3, 4, 5);
    await eventually('ack of #2', async () => (await figures()).pending === 1);
    expect(await figures()).toEqual({ length: 6, deadLetters: 0, pending: 1, lag: 3, groupDeadLetters: 0, lastDeliveredId: redriven });
    subscription.unsubscribe();
  });
}
