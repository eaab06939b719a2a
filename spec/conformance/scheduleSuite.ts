import { z } from 'zod';
import { eventStream, MessageTooLargeError, ValidationError, type Delivery, type EventService, type EventStream } from '../../src';
import { idTime } from '../../src/internal/streamId';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually } from '../support/eventually';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Acks and collects what arrives, with when it arrived. */
function gather<T>(service: EventService, stream: EventStream<T>, arrived: { value: T; id: string; at: number }[]) {
  return service.consume(stream, { from: 'start' }).subscribe((delivery: Delivery<T>) => {
    arrived.push({ value: delivery.value, id: delivery.id, at: Date.now() });
    void delivery.ack();
  });
}

/** `schedule`, `unschedule`, `scheduled` and the movers: the same behaviour on every backend. */
export function scheduleSuite(ctx: () => BackendContext): void {
  it('schedule - an event is appended at its time, never before: its entry id and its arrival are at or after the Date asked for', async () => {
    const jobs = eventStream<string>(uniqueName('jobs'));
    const service = ctx().createService({ group: 'A' });
    const arrived: { value: string; id: string; at: number }[] = [];
    gather(service, jobs, arrived);
    const when = new Date(Date.now() + 300);
    const ids = await service.schedule(jobs, when, 'later');
    expect(ids).toEqual([expect.stringMatching(/^0:[0-9a-f]{12}[0-9a-z]{10}$/)]);
    await sleep(150);
    expect(arrived).toEqual([]);
    await eventually('the scheduled event', () => arrived.length === 1, 3000);
    expect(arrived[0]?.value).toBe('later');
    expect(idTime(arrived[0]?.id as string).getTime()).toBeGreaterThanOrEqual(when.getTime());
    expect(arrived[0]?.at).toBeGreaterThanOrEqual(when.getTime());
    expect(await ctx().streamLength(jobs.name)).toBe(1);
  });

  it('schedule - { delayMs } counts from now; events of one call arrive in call order, once each', async () => {
    const jobs = eventStream<number>(uniqueName('jobs'));
    const service = ctx().createService({ group: 'A' });
    const arrived: { value: number; id: string; at: number }[] = [];
    gather(service, jobs, arrived);
    const before = Date.now();
    await service.schedule(jobs, { delayMs: 200 }, 1, 2, 3);
    await eventually('three events', () => arrived.length === 3, 3000);
    expect(arrived.map((a) => a.value)).toEqual([1, 2, 3]);
    for (const { id } of arrived) expect(idTime(id).getTime()).toBeGreaterThanOrEqual(before + 200);
    await sleep(100);
    expect(await ctx().streamLength(jobs.name)).toBe(3);
  });

  it('unschedule - true for a waiting event, which then never arrives; false again, and false for an unknown id', async () => {
    const jobs = eventStream<string>(uniqueName('jobs'));
    const service = ctx().createService({ group: 'A' });
    const arrived: { value: string; id: string; at: number }[] = [];
    gather(service, jobs, arrived);
    const [cancelled, kept] = await service.schedule(jobs, { delayMs: 200 }, 'cancelled', 'kept');
    expect(await service.unschedule(jobs, cancelled as string)).toBe(true);
    expect(await service.unschedule(jobs, cancelled as string)).toBe(false);
    expect(await service.unschedule(jobs, '0:unknown')).toBe(false);
    expect(await service.unschedule(jobs, 'nonsense')).toBe(false);
    await eventually('the kept event', () => arrived.length === 1, 3000);
    await sleep(300);
    expect(arrived.map((a) => a.value)).toEqual(['kept']);
    expect(await service.unschedule(jobs, kept as string)).toBe(false);
  });

  it('schedule - two consuming instances of two groups: each event is appended exactly once, and each group gets each once', async () => {
    const jobs = eventStream<number>(uniqueName('jobs'), { partitions: 3 });
    const producer = ctx().createService({ group: 'P' });
    const a1 = ctx().createService({ group: 'A', consumer: 'a1' });
    const a2 = ctx().createService({ group: 'A', consumer: 'a2' });
    const b = ctx().createService({ group: 'B', consumer: 'b' });
    const groupA: { value: number; id: string; at: number }[] = [];
    const groupB: { value: number; id: string; at: number }[] = [];
    gather(a1, jobs, groupA);
    gather(a2, jobs, groupA);
    gather(b, jobs, groupB);
    const values = Array.from({ length: 30 }, (_, n) => n);
    await Promise.all([producer.schedule(jobs, { delayMs: 100 }, ...values.slice(0, 15)), producer.schedule(jobs, { delayMs: 250 }, ...values.slice(15))]);
    await eventually('every event in both groups', () => groupA.length === 30 && groupB.length === 30, 5000);
    await sleep(200);
    expect(groupA.map((a) => a.value).sort((x, y) => x - y)).toEqual(values);
    expect(groupB.map((a) => a.value).sort((x, y) => x - y)).toEqual(values);
    expect((await producer.describe(jobs)).length).toBe(30);
  });

  it('schedule - due events wait while nobody consumes, and are appended as soon as a consumer runs', async () => {
    const jobs = eventStream<string>(uniqueName('jobs'));
    const producer = ctx().createService({ group: 'P' });
    await producer.schedule(jobs, { delayMs: 50 }, 'waited');
    await sleep(250);
    expect(await ctx().streamLength(jobs.name)).toBe(0);
    expect((await producer.describe(jobs)).scheduled).toBe(1);
    // a new group starting at new entries (the default): the events are appended after it is created
    const consumer = ctx().createService({ group: 'A' });
    const [delivery] = await collect(consumer.consume(jobs), 1, 3000);
    expect(delivery?.value).toBe('waited');
    expect((await producer.describe(jobs)).scheduled).toBe(0);
  });

  it('describe and scheduled - each partition shows its waiting count and next due time; scheduled lists them, the first due first', async () => {
    const jobs = eventStream<{ user: string; n: number }>(uniqueName('jobs'), { partitions: 4, key: (job) => job.user });
    const service = ctx().createService({ group: 'P' });
    const early = new Date(Date.now() + 60_000);
    const late = new Date(Date.now() + 120_000);
    const lateIds = await service.schedule(jobs, late, { user: 'u1', n: 2 }, { user: 'u2', n: 3 });
    const [earlyId] = await service.schedule(jobs, early, { user: 'u1', n: 1 });
    const description = await service.describe(jobs);
    expect({ scheduled: description.scheduled, nextDueAt: description.nextDueAt }).toEqual({ scheduled: 3, nextDueAt: early });
    const perPartition = description.partitions.filter((p) => p.scheduled > 0).map((p) => ({ scheduled: p.scheduled, nextDueAt: p.nextDueAt }));
    expect(perPartition).toContainEqual({ scheduled: 2, nextDueAt: early });
    expect(perPartition).toContainEqual({ scheduled: 1, nextDueAt: late });
    expect(await service.scheduled(jobs)).toEqual([
      { id: earlyId, dueAt: early, value: { user: 'u1', n: 1 }, key: 'u1' },
      ...[0, 1].map((i) => ({ id: lateIds[i], dueAt: late, value: { user: `u${i + 1}`, n: i + 2 }, key: `u${i + 1}` })),
    ]);
    expect(await service.scheduled(jobs, { limit: 1 })).toHaveLength(1);
  });

  it('schedule - an idempotency key produced meanwhile, or scheduled twice, is appended once', async () => {
    const orders = eventStream<{ orderId: string }>(uniqueName('orders'), { idempotency: { key: (order) => order.orderId } });
    const service = ctx().createService({ group: 'A' });
    await service.schedule(orders, { delayMs: 100 }, { orderId: 'o1' }, { orderId: 'o2' }, { orderId: 'o2' });
    const [o1] = await service.produce(orders, { orderId: 'o1' });
    const arrived: { value: { orderId: string }; id: string; at: number }[] = [];
    gather(service, orders, arrived);
    await eventually('o1 and o2', () => arrived.length === 2, 3000);
    await sleep(250);
    expect(arrived.map((a) => a.value.orderId)).toEqual(['o1', 'o2']);
    expect(arrived[0]?.id).toBe(o1);
    expect(await ctx().streamLength(orders.name)).toBe(2);
  });

  it('schedule - validated and checked as at produce: an invalid event, one too large, or a bad when stores nothing of the call', async () => {
    const jobs = eventStream(uniqueName('jobs'), { schema: z.object({ n: z.number() }) });
    const service = ctx().createService({ group: 'A', maxMessageBytes: 100 });
    await expect(service.schedule(jobs, { delayMs: 10 }, { n: 1 }, { n: 'x' as unknown as number })).rejects.toBeInstanceOf(ValidationError);
    await expect(service.schedule(jobs, { delayMs: 10 }, { n: 1 }, { n: 2, pad: 'x'.repeat(200) } as { n: number })).resolves.toHaveLength(2); // the schema strips pad
    const raw = eventStream<string>(uniqueName('raw'));
    await expect(service.schedule(raw, { delayMs: 10 }, 'ok', 'x'.repeat(200))).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(service.schedule(raw, new Date(Number.NaN), 'ok')).rejects.toThrow('rx-redis-events: schedule needs when as a valid Date; got an invalid Date');
    await expect(service.schedule(raw, { delayMs: -1 }, 'ok')).rejects.toThrow('rx-redis-events: schedule option delayMs must be a finite number of ms, 0 or more; got -1');
    await expect(service.schedule(raw, 5 as unknown as Date, 'ok')).rejects.toThrow('rx-redis-events: schedule needs when as a Date or { delayMs: number }; got number');
    expect(await service.scheduled(raw)).toEqual([]);
    expect(await service.scheduled(jobs)).toHaveLength(2);
  });
}
