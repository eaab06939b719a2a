import { map } from 'rxjs';
import { autoAck, batch, EncodeError, eventStream, forwardTo, type Delivery, type EventService, type EventStream } from '../../src';
import { partitionKeys } from '../../src/partitions/streamLayout';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

interface Order {
  readonly orderId: string;
  readonly n: number;
}

const order = (orderId: string, n: number): Order => ({ orderId, n });

/** A delivery whose ack does nothing: the process "dies" after forwarding and before acking. */
function withLostAck<T>(delivery: Delivery<T>): Delivery<T> {
  const { id, value, stream, key, partition, deliveryCount, producedAt } = delivery;
  return { id, value, stream, key, partition, deliveryCount, producedAt, ack: () => Promise.resolve(), nack: (options) => delivery.nack(options), deadLetter: (reason) => delivery.deadLetter(reason) };
}

/** The entries of every partition of `stream`. */
async function totalLength<T>(ctx: BackendContext, stream: EventStream<T>): Promise<number> {
  const lengths = await Promise.all(partitionKeys('', stream).map((key) => ctx.streamLength(key)));
  return lengths.reduce((sum, length) => sum + length, 0);
}

/** Pending entries of `group` over every partition of `stream`. */
async function totalPending<T>(ctx: BackendContext, stream: EventStream<T>, group: string): Promise<number> {
  const counts = await Promise.all(partitionKeys('', stream).map((key) => ctx.pendingCount(key, group)));
  return counts.reduce((sum, count) => sum + count, 0);
}

/** The values of the `count` entries of `stream`, read by a group of their own. */
async function valuesOf<T>(service: EventService, stream: EventStream<T>, count: number): Promise<T[]> {
  return (await collect(service.consume(stream, { from: 'start' }).pipe(autoAck()), count)).map((delivery) => delivery.value);
}

/** Idempotency keys and forwardTo: what is written once whatever repeats it. */
export function idempotencySuite(ctx: () => BackendContext): void {
  const keyed = (options: { windowMs?: number; partitions?: number } = {}) =>
    eventStream<Order>(uniqueName('orders'), { idempotency: { key: (value) => value.orderId, ...(options.windowMs ? { windowMs: options.windowMs } : {}) }, partitions: options.partitions ?? 1 });

  for (const partitions of [1, 4]) {
    it(`idempotency keys - a key produced by two instances, and again inside a later call, is stored once and answered with the original id (${partitions} partition(s))`, async () => {
      const stream = keyed({ partitions });
      const [a, b] = [ctx().createService({ group: 'A' }), ctx().createService({ group: 'B' })];
      const [first] = await a.produce(stream, order('o-1', 1));
      expect(await b.produce(stream, order('o-1', 2))).toEqual([first]);
      const later = await b.produce(stream, order('o-2', 3), order('o-1', 4), order('o-2', 5), order('o-3', 6));
      expect(later[1]).toBe(first);
      expect(later[2]).toBe(later[0]);
      expect(await totalLength(ctx(), stream)).toBe(3);
      expect((await valuesOf(a, stream, 3)).map((value) => value.n).sort((x, y) => x - y)).toEqual([1, 3, 6]);
    });
  }

  it('idempotency keys - after windowMs the key may be produced again', async () => {
    const stream = keyed({ windowMs: 300 });
    const service = ctx().createService({ group: 'A' });
    const [first] = await service.produce(stream, order('o-1', 1));
    expect(await service.produce(stream, order('o-1', 2))).toEqual([first]);
    await sleep(700);
    const [again] = await service.produce(stream, order('o-1', 3));
    expect(again).not.toBe(first);
    expect(await ctx().streamLength(stream.name)).toBe(2);
  });

  it('idempotency keys - a selector that throws or returns a non-string is an EncodeError naming the stream, and nothing of the call is written', async () => {
    const name = uniqueName('bad-keys');
    const stream = eventStream<{ id: unknown }>(name, {
      idempotency: {
        key: (value) => {
          if (value.id === 'boom') throw new Error('no key');
          return value.id as string;
        },
      },
    });
    const service = ctx().createService({ group: 'A' });
    const thrown = await service.produce(stream, { id: 'ok' }, { id: 'boom' }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(EncodeError);
    expect((thrown as EncodeError).stream).toBe(name);
    expect((thrown as EncodeError).message).toBe(`cannot encode the event for stream "${name}": idempotency.key(events[1]) threw: no key; nothing was written`);
    const wrongType = await service.produce(stream, { id: 'ok' }, { id: 7 }).catch((error: unknown) => error);
    expect((wrongType as EncodeError).message).toBe(`cannot encode the event for stream "${name}": idempotency.key(events[1]) returned number, expected a string; nothing was written`);
    expect(await ctx().streamLength(name)).toBe(0);
    // and the key of the call that failed was not recorded
    const [id] = await service.produce(stream, { id: 'ok' });
    expect(id).toBeDefined();
    expect(await ctx().streamLength(name)).toBe(1);
  });

  it('forwardTo - every output exists once when the source is redelivered after its outputs were appended but never acked', async () => {
    const source = eventStream<Order>(uniqueName('src'), { partitions: 2 });
    const target = eventStream<{ orderId: string; part: number }>(uniqueName('dst'), { partitions: 3 });
    const producer = ctx().createService({ group: 'P' });
    await producer.produce(source, ...Array.from({ length: 10 }, (_, n) => order(`o-${n}`, n)));
    const project = (value: Order) => [0, 1].map((part) => ({ orderId: value.orderId, part }));
    // the first instance forwards every event, and its acks are lost
    const dying = ctx().createService({ group: 'billing', closeTimeoutMs: 50 });
    const firstRun: string[][] = [];
    const first = dying
      .consume(source, { from: 'start', claimIdleAfterMs: 300 })
      .pipe(map(withLostAck), forwardTo(dying, target, project))
      .subscribe((outcome) => void (outcome.ok && firstRun.push(outcome.result)));
    await eventually('10 forwarded by the first instance', () => firstRun.length === 10);
    // it dies: a live consumer would go on renewing what it holds, a closed one stops after closeTimeoutMs
    first.unsubscribe();
    await dying.close();
    // the second takes the idle entries over: it appends nothing new and acks
    const healthy = ctx().createService({ group: 'billing' });
    const secondRun: string[][] = [];
    const second = healthy
      .consume(source, { from: 'start', claimIdleAfterMs: 300 })
      .pipe(forwardTo(healthy, target, project))
      .subscribe((outcome) => void (outcome.ok && secondRun.push(outcome.result)));
    await eventually('10 forwarded again and acked', async () => secondRun.length === 10 && (await totalPending(ctx(), source, 'billing')) === 0, 10_000);
    second.unsubscribe();
    expect(secondRun.flat().sort()).toEqual(firstRun.flat().sort());
    expect(await totalLength(ctx(), target)).toBe(20);
    expect(new Set((await valuesOf(producer, target, 20)).map((value) => `${value.orderId}/${value.part}`)).size).toBe(20);
  });

  it('forwardTo - a project that throws nacks with the retry policy, the retry forwards once; batches forward every delivery and ack once', async () => {
    const source = eventStream<Order>(uniqueName('src'));
    const target = eventStream<Order>(uniqueName('dst'));
    const service = ctx().createService({ group: 'copy' });
    await service.produce(source, ...Array.from({ length: 6 }, (_, n) => order(`o-${n}`, n)));
    const failures: unknown[] = [];
    const forwarded: string[] = [];
    const subscription = service
      .consume(source, { from: 'start' })
      .pipe(
        forwardTo(
          service,
          target,
          (value, delivery) => {
            if (value.n === 2 && delivery.deliveryCount === 1) throw new Error('not yet');
            return value.n === 5 ? undefined : value;
          },
          { retry: { delays: [20] } },
        ),
      )
      .subscribe((outcome) => (outcome.ok ? forwarded.push(...outcome.result) : failures.push(outcome.error)));
    await eventually('6 sources settled', async () => forwarded.length === 5 && (await ctx().pendingCount(source.name, 'copy')) === 0);
    subscription.unsubscribe();
    expect(failures.map((error) => (error as Error).message)).toEqual(['not yet']);
    expect((await service.read(target, { count: 100 })).entries.map((entry) => entry.value.n).sort()).toEqual([0, 1, 2, 3, 4]);

    const batched = eventStream<Order>(uniqueName('dst'));
    const outcomes: number[] = [];
    const again = ctx().createService({ group: 'batched' });
    const run = again
      .consume(source, { from: 'start' })
      .pipe(batch({ maxLatency: 20, maxBatchSize: 10 }), forwardTo(again, batched, (value) => [value, value]))
      .subscribe((outcome) => void (outcome.ok && outcomes.push(outcome.result.length)));
    await eventually('the batch forwarded and acked', async () => outcomes.reduce((sum, n) => sum + n, 0) === 12 && (await ctx().pendingCount(source.name, 'batched')) === 0);
    run.unsubscribe();
    expect(await ctx().streamLength(batched.name)).toBe(12);
  });
}
