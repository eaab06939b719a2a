import { broadcastStream } from '../../src';
import type { BackendContext } from './backend';
import { uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

/** Broadcast streams: live-only delivery, one broker subscription per channel and instance. */
export function broadcastSuite(ctx: () => BackendContext): void {
  const channel = () => broadcastStream<{ streamId: string; at: Date }>(uniqueName('cancel'));

  it('broadcast - every live listener of every instance gets every message, offline ones never see it', async () => {
    const cancel = channel();
    const [one, two, sender] = [ctx().createService({ group: 'ws' }), ctx().createService({ group: 'ws' }), ctx().createService({ group: 'api' })];
    await sender.broadcast(cancel, { streamId: 'before', at: new Date(0) });
    const got = { one: [] as string[], two: [] as string[], late: [] as string[] };
    const s1 = one.listen(cancel).subscribe((m) => got.one.push(m.streamId));
    const s2 = two.listen(cancel).subscribe((m) => got.two.push(m.streamId));
    await Promise.all([one.listening(cancel), two.listening(cancel)]);
    await sender.broadcast(cancel, { streamId: 'a', at: new Date(1) });
    await sender.broadcast(cancel, { streamId: 'b', at: new Date(2) });
    await eventually('both messages in both instances', () => got.one.length === 2 && got.two.length === 2);
    const late = one.listen(cancel).subscribe((m) => got.late.push(m.streamId));
    s2.unsubscribe();
    await sender.broadcast(cancel, { streamId: 'c', at: new Date(3) });
    await eventually('third message', () => got.one.length === 3);
    await sleep(100);
    expect(got).toEqual({ one: ['a', 'b', 'c'], two: ['a', 'b'], late: ['c'] });
    s1.unsubscribe();
    late.unsubscribe();
  });

  it('broadcast - values round-trip through superjson', async () => {
    const cancel = channel();
    const service = ctx().createService({ group: 'ws' });
    const got: { streamId: string; at: Date }[] = [];
    const subscription = service.listen(cancel).subscribe((m) => got.push(m));
    await service.listening(cancel);
    await service.broadcast(cancel, { streamId: 'x', at: new Date('2020-01-01T00:00:00Z') });
    await eventually('message', () => got.length === 1);
    expect(got[0]?.at).toEqual(new Date('2020-01-01T00:00:00Z'));
    expect(got[0]?.at).toBeInstanceOf(Date);
    subscription.unsubscribe();
  });

  it('listen - one broker subscription per channel however many local subscribers, dropped with the last one', async () => {
    const cancel = channel();
    const service = ctx().createService({ group: 'ws' });
    const subscriptions = [1, 2, 3].map(() => service.listen(cancel).subscribe());
    await service.listening(cancel);
    expect(await ctx().subscriptionCount(cancel.name)).toBe(1);
    subscriptions[0]?.unsubscribe();
    subscriptions[1]?.unsubscribe();
    await sleep(50);
    expect(await ctx().subscriptionCount(cancel.name)).toBe(1);
    subscriptions[2]?.unsubscribe();
    await eventually('no subscription', async () => (await ctx().subscriptionCount(cancel.name)) === 0);
    const again = service.listen(cancel).subscribe();
    await service.listening(cancel);
    expect(await ctx().subscriptionCount(cancel.name)).toBe(1);
    again.unsubscribe();
  });
}
