import { map } from 'rxjs';
import { createTestScheduler, expectAcks, expectNacks, fakeDeliveries } from 'rx-redis-events/testing';
import { chargeInBatches, type Payment } from './pipelines';

const pay = (orderId: string): Payment => ({ orderId, amountCents: 100 });

// #region batched-spec
describe('chargeInBatches', () => {
  it('charges full batches at once and the rest when the 500 ms window closes, acking each batch after its charge', () => {
    const charged: string[][] = [];
    const testScheduler = createTestScheduler();
    testScheduler.run((helpers) => {
      const payments = fakeDeliveries(helpers, '-a-b-c---d', { a: pay('a'), b: pay('b'), c: pay('c'), d: pay('d') });
      const outcomes = payments.pipe(
        chargeInBatches((batch) => void charged.push(batch.map((p) => p.orderId)), testScheduler),
        map((outcome) => outcome.ok),
      );
      // a, b, c fill a batch at frame 5; d (frame 9) waits for the window opened at 5 to close at 505
      helpers.expectObservable(outcomes, '^ 999ms !').toBe('-----x 499ms y', { x: true, y: true });
      expectAcks(payments).toBe('-----(abc) 495ms d');
    });
    expect(charged).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('nacks the whole batch when the charge fails, so every payment of it comes back', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run((helpers) => {
      const payments = fakeDeliveries(helpers, '-a-b-c', { a: pay('a'), b: pay('b'), c: pay('c') });
      const failing = chargeInBatches(() => {
        throw new Error('database down');
      }, testScheduler);
      helpers.expectObservable(payments.pipe(failing, map((outcome) => outcome.ok)), '^ 999ms !').toBe('-----x', { x: false });
      // the default retry policy adds jitter to the delay: compare which and when, not how long
      expectAcks(payments).toBe('');
      expectNacks(payments).toBe('-----(abc)');
    });
  });
});
// #endregion batched-spec
