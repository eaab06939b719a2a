import { map } from 'rxjs';
import { ackAfter, eventStream, type Delivery } from '../../src';
import type { BackendContext } from './backend';
import { collect, uniqueName, waitForGroups } from './helpers';
import { eventually, sleep } from '../support/eventually';

interface Order {
  id: number;
  at: Date;
}

const order = (id: number): Order => ({ id, at: new Date(1_700_000_000_000 + id) });
const orders = (count: number, from = 0) => Array.from({ length: count }, (_, index) => order(from + index));

/** Redelivery walks, dead letters, redrive and retention. */
export function reliabilitySuite(ctx: () => BackendContext): void {
  const stream = (options: Parameters<typeof eventStream<Order>>[1] = {}) => eventStream<Order>(uniqueName('orders'), { key: (o) => `o${o.id}`, ...options });

  it('claim - takes over the whole pending list of a crashed consumer, not only its first page', async () => {
    const orderStream = stream();
    const crashed = ctx().createService({ group: 'A', closeTimeoutMs: 10 });
    await crashed.produce(orderStream, ...orders(250));
    await collect(crashed.consume(orderStream, { from: 'start' }), 250);
    await crashed.close();
    const heir = ctx().createService({ group: 'A' });
    const got = await collect(heir.consume(orderStream, { claimIdleAfterMs: 100 }), 250);
    expect(got.map((d) => d.value.id)).toEqual(orders(250).map((o) => o.id));
    expect(new Set(got.map((d) => d.deliveryCount))).toEqual(new Set([2]));
    await Promise.all(got.map((d) => d.ack()));
    expect(await ctx().pendingCount(orderStream.name, 'A')).toBe(0);
  });

  it('dead letters - a poison event goes to the dead-letter stream after maxDeliveries, with its story, and does not block the rest', async () => {
    const orderStream = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(orderStream, ...orders(5));
    const handled: number[] = [];
    const subscription = service
      .consume(orderStream, { from: 'start', maxDeliveries: 3 })
      .pipe(
        ackAfter(
          (d: Delivery<Order>) => {
            if (d.value.id === 2) throw new Error(`poison ${d.deliveryCount}`);
            handled.push(d.value.id);
          },
          { retry: { delays: [10] } },
        ),
      )
      .subscribe();
    await eventually('one dead letter', async () => (await service.deadLetters(orderStream)).length === 1);
    const [letter] = await service.deadLetters(orderStream);
    expect(letter).toMatchObject({ group: 'A', reason: 'max-deliveries', error: 'poison 3', deliveryCount: 3, key: 'o2', value: order(2) });
    expect(handled).toEqual([0, 1, 3, 4]);
    await eventually('nothing pending', async () => (await ctx().pendingCount(orderStream.name, 'A')) === 0);
    subscription.unsubscribe();
  });

  it('dead letters - an event abandoned maxDeliveries times is moved when it would be claimed once more', async () => {
    const orderStream = stream();
    const producer = ctx().createService({ group: 'P' });
    const [sourceId] = await producer.produce(orderStream, order(1));
    for (let attempt = 1; attempt <= 2; attempt++) {
      const quitter = ctx().createService({ group: 'A', closeTimeoutMs: 10 });
      const [d] = await collect(quitter.consume(orderStream, { from: 'start', claimIdleAfterMs: 50, maxDeliveries: 2 }), 1);
      expect(d?.deliveryCount).toBe(attempt);
      await quitter.close();
    }
    await sleep(60);
    const heir = ctx().createService({ group: 'A' });
    const subscription = heir.consume(orderStream, { claimIdleAfterMs: 50, maxDeliveries: 2 }).subscribe();
    await eventually('dead letter', async () => (await heir.deadLetters(orderStream)).length === 1);
    const [letter] = await heir.deadLetters(orderStream);
    expect(letter).toMatchObject({ sourceId, group: 'A', reason: 'max-deliveries', deliveryCount: 2, error: 'abandoned: delivered 2 times without an ack' });
    expect(await ctx().pendingCount(orderStream.name, 'A')).toBe(0);
    subscription.unsubscribe();
  });

  it('dead letters - an undecodable entry goes there at once with reason decode; the rest flows', async () => {
    const orderStream = stream();
    const service = ctx().createService({ group: 'A' });
    await service.produce(orderStream, order(1));
    const rawId = await ctx().appendRaw(orderStream.name, { v: '{not json', k: 'bad' });
    await ctx().appendRaw(orderStream.name, { other: 'format' });
    await service.produce(orderStream, order(2));
    const got = await collect(service.consume(orderStream, { from: 'start' }).pipe(map((d) => (void d.ack(), d.value.id))), 2);
    expect(got).toEqual([1, 2]);
    await eventually('two dead letters', async () => (await service.deadLetters(orderStream)).length === 2);
    const letters = await service.deadLetters(orderStream);
    expect(letters.map((l) => [l.reason, l.sourceId === rawId, l.value, l.deliveryCount])).toEqual([
      ['decode', true, undefined, 1],
      ['decode', false, undefined, 1],
    ]);
    expect(letters[0]?.error).toMatch(/not valid JSON/);
    expect(letters[1]?.fields).toEqual({ other: 'format' });
    await eventually('nothing pending', async () => (await ctx().pendingCount(orderStream.name, 'A')) === 0);
  });

  it('redrive - puts dead letters back for the group they died in only; other groups do not see them again', async () => {
    const orderStream = stream();
    const a = ctx().createService({ group: 'A' });
    const b = ctx().createService({ group: 'B' });
    const seenByB: number[] = [];
    const bSubscription = b.consume(orderStream).subscribe((d) => (seenByB.push(d.value.id), void d.ack()));
    await waitForGroups(b, orderStream, ['B']);
    await a.produce(orderStream, order(1), order(2));
    const first = await collect(a.consume(orderStream, { from: 'start', maxDeliveries: 1 }), 2);
    await first[0]?.nack({ error: new Error('nope') });
    await first[1]?.nack({ error: new Error('nope') });
    const letters = await a.deadLetters(orderStream);
    expect(letters.map((l) => l.value?.id)).toEqual([1, 2]);
    const ids = await a.redrive(orderStream, { ids: [letters[1]?.id as string] });
    expect(ids.length).toBe(1);
    const again = await collect(a.consume(orderStream, { maxDeliveries: 1 }), 1);
    expect([again[0]?.value, again[0]?.deliveryCount, again[0]?.id]).toEqual([order(2), 1, ids[0]]);
    await again[0]?.ack();
    expect((await a.deadLetters(orderStream)).map((l) => l.value?.id)).toEqual([1]);
    await eventually('B acked both', async () => seenByB.length === 2 && (await ctx().pendingCount(orderStream.name, 'B')) === 0);
    await sleep(150);
    expect(seenByB).toEqual([1, 2]);
    bSubscription.unsubscribe();
  });

  it('retention - never trims what a group has not acked; the hard limit does, and a stream without groups is trimmed by the limits alone, right after produce', async () => {
    const safe = stream({ retention: { maxLength: 10 } });
    const hard = stream({ retention: { maxLength: 10, unsafeHardLimit: true } });
    const loose = stream({ retention: { maxLength: 10 } });
    const service = ctx().createService({ group: 'slow' });
    for (const target of [safe, hard]) {
      await service.produce(target, order(0));
      await collect(service.consume(target, { from: 'start' }), 1).then((got) => got[0]?.ack());
      await service.produce(target, ...orders(99, 1));
      const held = await collect(service.consume(target), 20);
      await Promise.all(held.slice(0, 5).map((d) => d.ack()));
    }
    await service.produce(loose, ...orders(100));
    expect(await service.trim(safe)).toBe(6);
    expect(await ctx().streamLength(safe.name)).toBe(94);
    expect(await service.trim(hard)).toBe(90);
    expect(await ctx().streamLength(hard.name)).toBe(10);
    await eventually('the trim that follows produce', async () => (await ctx().streamLength(loose.name)) === 10);
    expect(await service.trim(loose)).toBe(0);
  });

  it('retention - maxAge trims old entries once every group is past them', async () => {
    const aged = stream({ retention: { maxAge: 200 } });
    const service = ctx().createService({ group: 'A' });
    await service.produce(aged, ...orders(5));
    const got = await collect(service.consume(aged, { from: 'start' }), 5);
    await Promise.all(got.map((d) => d.ack()));
    expect(await service.trim(aged)).toBe(0);
    await sleep(250);
    await service.produce(aged, order(5));
    expect(await service.trim(aged)).toBe(5);
    expect(await ctx().streamLength(aged.name)).toBe(1);
  });
}
