import { firstValueFrom, map, take, toArray } from 'rxjs';
import { autoAck, EncodeError, eventStream, type Delivery } from '../../src';
import type { BackendContext } from './backend';
import { collect, uniqueName, waitForGroups } from './helpers';
import { eventually, sleep } from '../support/eventually';

interface Job {
  id: number;
  at: Date;
}

const job = (id: number): Job => ({ id, at: new Date(1_700_000_000_000 + id) });
const jobs = (count: number, from = 0): Job[] => Array.from({ length: count }, (_, index) => job(from + index));

/** Streams: load balancing, persistence, pending, redelivery, in-flight bound, encoding. */
export function eventStreamSuite(ctx: () => BackendContext): void {
  const stream = () => eventStream<Job>(uniqueName('jobs'), { key: (value) => `job-${value.id % 3}` });

  it('load balancing - every event reaches exactly one instance of each group, and both instances of a group get a share', async () => {
    const jobsStream = stream();
    const [a1, a2, b] = [ctx().createService({ group: 'A' }), ctx().createService({ group: 'A' }), ctx().createService({ group: 'B' })];
    const got = { a1: [] as number[], a2: [] as number[], b: [] as number[] };
    const subscriptions = (
      [
        [a1, got.a1],
        [a2, got.a2],
        [b, got.b],
      ] as const
    ).map(([service, into]) => service.consume(jobsStream).pipe(autoAck()).subscribe((d) => into.push(d.value.id)));
    await waitForGroups(b, jobsStream, ['A', 'B']);
    const producer = ctx().createService({ group: 'P' }).createProducer(jobsStream);
    for (const value of jobs(60)) await producer.produce(value);
    await eventually('60 deliveries per group', () => got.a1.length + got.a2.length === 60 && got.b.length === 60);
    await sleep(50);
    expect([...got.a1, ...got.a2].sort((x, y) => x - y)).toEqual(jobs(60).map((value) => value.id));
    expect(got.b).toEqual(jobs(60).map((value) => value.id));
    expect(got.a1.length).toBeGreaterThan(0);
    expect(got.a2.length).toBeGreaterThan(0);
    subscriptions.forEach((subscription) => subscription.unsubscribe());
  });

  it('persistence - a group receives what was produced while none of its instances ran', async () => {
    const jobsStream = stream();
    const first = ctx().createService({ group: 'A' });
    const producer = ctx().createService({ group: 'P' });
    await producer.produce(jobsStream, job(1));
    const one = await collect(first.consume(jobsStream, { from: 'start' }).pipe(autoAck()), 1);
    expect(one.map((d) => d.value.id)).toEqual([1]);
    await first.close();
    await producer.produce(jobsStream, ...jobs(10, 100));
    const later = ctx().createService({ group: 'A' });
    const got = await collect(later.consume(jobsStream).pipe(autoAck()), 10);
    expect(got.map((d) => d.value.id)).toEqual(jobs(10, 100).map((value) => value.id));
  });

  it("from - a new group starts at new entries by default and at the stream's start with from: 'start'", async () => {
    const jobsStream = stream();
    const producer = ctx().createService({ group: 'P' });
    await producer.produce(jobsStream, ...jobs(3));
    const fresh = ctx().createService({ group: 'fresh' });
    const whole = ctx().createService({ group: 'whole' });
    const freshGot = collect(fresh.consume(jobsStream).pipe(autoAck()), 1);
    const wholeGot = await collect(whole.consume(jobsStream, { from: 'start' }).pipe(autoAck()), 3);
    await waitForGroups(fresh, jobsStream, ['fresh']);
    await producer.produce(jobsStream, job(7));
    expect((await freshGot).map((d) => d.value.id)).toEqual([7]);
    expect(wholeGot.map((d) => d.value.id)).toEqual([0, 1, 2]);
  });

  it('delivery - carries id, value, stream, key, deliveryCount and producedAt', async () => {
    const jobsStream = stream();
    const service = ctx().createService({ group: 'A' });
    const before = Date.now();
    const [id] = await service.produce(jobsStream, job(5));
    const [delivery] = await collect(service.consume(jobsStream, { from: 'start' }), 1);
    expect(delivery).toMatchObject({ id, value: job(5), stream: jobsStream.name, key: 'job-2', deliveryCount: 1 });
    expect(id).toMatch(/^\d+-\d+$/);
    expect(delivery?.producedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(delivery?.producedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    await delivery?.ack();
  });

  it('ack - un-acked deliveries stay pending, acked ones leave the pending list', async () => {
    const jobsStream = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(jobsStream, ...jobs(5));
    const got = await collect(service.consume(jobsStream, { from: 'start' }), 5);
    await Promise.all(got.slice(0, 2).map((d) => d.ack()));
    expect(await ctx().pendingCount(jobsStream.name, 'A')).toBe(3);
    await Promise.all(got.map((d) => d.ack()));
    expect(await ctx().pendingCount(jobsStream.name, 'A')).toBe(0);
  });

  it('redelivery - what an unsubscribed consumer left un-acked goes to another instance after claimIdleAfterMs', async () => {
    const jobsStream = stream();
    const quitter = ctx().createService({ group: 'A' });
    const heir = ctx().createService({ group: 'A' });
    await quitter.produce(jobsStream, ...jobs(4));
    const left = await collect(quitter.consume(jobsStream, { from: 'start' }), 4);
    await left[0]?.ack();
    const got = await collect(heir.consume(jobsStream, { claimIdleAfterMs: 200 }), 3);
    expect(got.map((d) => [d.value.id, d.deliveryCount])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    await Promise.all(got.map((d) => d.ack()));
    expect(await ctx().pendingCount(jobsStream.name, 'A')).toBe(0);
  });

  it('redelivery - a consumer that comes back under the same name gets its own pending entries at once', async () => {
    const jobsStream = stream();
    const first = ctx().createService({ group: 'A', consumer: 'stable' });
    await first.produce(jobsStream, ...jobs(3));
    await collect(first.consume(jobsStream, { from: 'start' }), 3);
    await first.close();
    const again = ctx().createService({ group: 'A', consumer: 'stable' });
    const got = await collect(again.consume(jobsStream), 3, 1500);
    expect(got.map((d) => [d.value.id, d.deliveryCount])).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
  });

  it('nack - the event comes back with a higher deliveryCount, no sooner than delayMs', async () => {
    const jobsStream = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(jobsStream, job(1));
    const seen: [number, number][] = [];
    const started = Date.now();
    const got = await firstValueFrom(
      service.consume(jobsStream, { from: 'start' }).pipe(
        map((d) => {
          seen.push([d.deliveryCount, Date.now() - started]);
          if (d.deliveryCount < 3) void d.nack({ delayMs: d.deliveryCount === 1 ? 0 : 300 });
          else void d.ack();
          return d;
        }),
        take(3),
        toArray(),
      ),
    );
    expect(got.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
    expect((seen[2]?.[1] ?? 0) - (seen[1]?.[1] ?? 0)).toBeGreaterThanOrEqual(295);
    await eventually('ack', async () => (await ctx().pendingCount(jobsStream.name, 'A')) === 0);
  });

  it('maxInFlight - a subscription never holds more un-acked deliveries than maxInFlight', async () => {
    const jobsStream = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(jobsStream, ...jobs(50));
    const got: Delivery<Job>[] = [];
    const subscription = service.consume(jobsStream, { from: 'start', maxInFlight: 5 }).subscribe((d) => got.push(d));
    await eventually('5 deliveries', () => got.length === 5);
    await sleep(150);
    expect(got.length).toBe(5);
    await Promise.all(got.slice(0, 2).map((d) => d.ack()));
    await eventually('7 deliveries', () => got.length === 7);
    await sleep(150);
    expect(got.map((d) => d.value.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    subscription.unsubscribe();
  });

  it('superjson - Date, Map, Set, BigInt, undefined inside objects and nesting round-trip exactly', async () => {
    const rich = eventStream<Record<string, unknown>>(uniqueName('rich'));
    const service = ctx().createService({ group: 'A' });
    const value = {
      when: new Date('2024-02-29T12:34:56.789Z'),
      tags: new Set(['a', 'b']),
      counts: new Map<string, bigint>([['x', 12345678901234567890n]]),
      nothing: undefined,
      nested: { list: [1, { deep: [new Date(0), null] }], empty: {} },
    };
    await service.produce(rich, value);
    const [delivery] = await collect(service.consume(rich, { from: 'start' }).pipe(autoAck()), 1);
    expect(delivery?.value).toEqual(value);
    expect(Object.keys(delivery?.value ?? {})).toContain('nothing');
    expect((delivery?.value.counts as Map<string, bigint>).get('x')).toBe(12345678901234567890n);
  });

  it('encoding - a value that cannot be encoded rejects with EncodeError naming the stream, and nothing is written', async () => {
    const jobsStream = stream();
    const service = ctx().createService({ group: 'A' });
    const bad = { id: 1, at: new Date(), run: () => 1 } as unknown as Job;
    await expect(service.produce(jobsStream, job(0), bad)).rejects.toThrow(EncodeError);
    await expect(service.produce(jobsStream, bad)).rejects.toMatchObject({ stream: jobsStream.name, path: 'value.run' });
    await service.produce(jobsStream, job(9));
    const got = await collect(service.consume(jobsStream, { from: 'start' }).pipe(autoAck()), 1);
    await sleep(100);
    expect(got.map((d) => d.value.id)).toEqual([9]);
    expect(await ctx().pendingCount(jobsStream.name, 'A')).toBe(0);
  });
}
