import { createFakeDelivery, type SettleCall } from 'rx-redis-events/testing';
import { trackSettled } from '../../../src/tools/nestjs/trackSettled';

describe('trackSettled', () => {
  const tracked = (calls: SettleCall[]) => trackSettled(createFakeDelivery({ id: '1-0', value: { n: 1 }, key: 'k', deliveryCount: 2 }, (call) => void calls.push(call)));

  it('trackSettled - the handler sees the delivery as it is, and its own settle wins over the transport', async () => {
    const calls: SettleCall[] = [];
    const t = tracked(calls);
    expect([t.delivery.id, t.delivery.value, t.delivery.key, t.delivery.deliveryCount, t.settledByHandler, t.deliveryCount]).toEqual(['1-0', { n: 1 }, 'k', 2, false, 2]);
    await t.delivery.nack({ delayMs: 50 });
    expect(t.settledByHandler).toBe(true);
    await t.ack();
    await t.nack({ delayMs: 1 });
    expect(calls).toEqual([{ op: 'nack', id: '1-0', frame: 0, delayMs: 50 }]);
  });

  it('trackSettled - without the handler settling, the transport settles it once', async () => {
    const calls: SettleCall[] = [];
    const t = tracked(calls);
    await t.nack({ delayMs: 10, error: 'boom' });
    await t.ack();
    expect(t.settledByHandler).toBe(false);
    expect(calls).toEqual([{ op: 'nack', id: '1-0', frame: 0, delayMs: 10, error: 'boom' }]);
  });
});
