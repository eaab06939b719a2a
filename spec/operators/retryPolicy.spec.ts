import { of } from 'rxjs';
import { ackAfter, type Settleable, type NackOptions } from 'rx-redis-events';
import { DEFAULT_RETRY, retryDelays } from '../../src/operators/retryPolicy';

describe('retryPolicy', () => {
  it('retryPolicy - fixed delays are picked by delivery count, the last one repeating', () => {
    const delay = retryDelays({ delays: [100, 200, 500] });
    expect([1, 2, 3, 4, 9].map(delay)).toEqual([100, 200, 500, 500, 500]);
  });

  it('retryPolicy - the default doubles from 1 s up to 60 s, spread by ±20 %', () => {
    expect(DEFAULT_RETRY).toEqual({ initialMs: 1000, factor: 2, maxMs: 60_000, jitter: 0.2 });
    const middle = retryDelays(undefined, () => 0.5);
    expect([1, 2, 3, 6, 7, 20].map(middle)).toEqual([1000, 2000, 4000, 32_000, 60_000, 60_000]);
    expect(retryDelays(undefined, () => 0)(1)).toBe(800);
    expect(retryDelays(undefined, () => 1)(2)).toBe(2400);
  });

  it('retryPolicy - ackAfter nacks with the delay of the delivery count and hands over the error', async () => {
    const boom = new Error('boom');
    const nacks: NackOptions[] = [];
    const item = (deliveryCount: number): Settleable => ({ deliveryCount, ack: () => Promise.resolve(), nack: (options = {}) => (nacks.push(options), Promise.resolve()) });
    await new Promise<void>((resolve) =>
      of(item(1), item(2), item(7))
        .pipe(ackAfter(() => { throw boom; }, { retry: { initialMs: 10, factor: 3, maxMs: 200, jitter: 0 } }))
        .subscribe({ complete: resolve }),
    );
    expect(nacks).toEqual([
      { delayMs: 10, error: boom },
      { delayMs: 30, error: boom },
      { delayMs: 200, error: boom },
    ]);
  });
});
