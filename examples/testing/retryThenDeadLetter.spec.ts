import { map } from 'rxjs';
import { createTestEventService, createTestScheduler, expectNacks, fakeDeliveries } from 'rx-redis-events/testing';
import { Payments, settlePayments, settleWithRetries, type Payment } from './pipelines';

const poison: Payment = { orderId: 'poison', amountCents: -1 };
const fine: Payment = { orderId: 'fine', amountCents: 250 };
const provider = (payment: Payment) => {
  if (payment.amountCents < 0) throw new Error(`provider refused ${payment.orderId}`);
};

// #region retry-spec
describe('settlePayments', () => {
  it('retries a refused payment after 1 s and 5 s, then moves it to the dead-letter stream; the others flow', async () => {
    const testScheduler = createTestScheduler();
    let service: ReturnType<typeof createTestEventService> | undefined;
    testScheduler.run(({ expectObservable }) => {
      service = createTestEventService({ group: 'billing', scheduler: testScheduler });
      void service.produce(Payments, poison, fine);
      const attempts = settlePayments(service, provider).pipe(map((o) => `${o.item.value.orderId}#${o.item.deliveryCount}:${o.ok ? 'ok' : 'failed'}`));
      expectObservable(attempts, '^ 9999ms !').toBe('(ab) 996ms c 4999ms d', {
        a: 'poison#1:failed',
        b: 'fine#1:ok',
        c: 'poison#2:failed',
        d: 'poison#3:failed',
      });
    });
    const [letter] = (await service?.deadLetters(Payments)) ?? [];
    expect(letter).toMatchObject({ group: 'billing', reason: 'max-deliveries', deliveryCount: 3, error: 'provider refused poison', value: poison });
    await service?.close();
  });

  it('nacks a failed first attempt with 1 s and a failed second attempt with 5 s', () => {
    createTestScheduler().run((helpers) => {
      const deliveries = fakeDeliveries(helpers, '-a-b', { a: poison, b: poison }, { deliveryCount: { a: 1, b: 2 } });
      deliveries.pipe(settleWithRetries(provider)).subscribe();
      expectNacks(deliveries).toBe('-a-b', { a: 1000, b: 5000 });
    });
  });
});
// #endregion retry-spec
