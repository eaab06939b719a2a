import { eventually, eventuallyEqual, sleep } from './eventually';

describe('support - eventually', () => {
  it('eventually - resolves at the check that holds, and checks no more', async () => {
    let checks = 0;
    await eventually('the third check', () => ++checks === 3, { intervalMs: 1 });
    await sleep(20);
    expect(checks).toBe(3);
  });

  it('eventually - an async condition is awaited', async () => {
    let checks = 0;
    await eventually('the second check', async () => (await Promise.resolve(++checks)) === 2, { intervalMs: 1 });
    expect(checks).toBe(2);
  });

  it('eventually - past the deadline it rejects naming what was awaited, the time, and the detail', async () => {
    const started = Date.now();
    await expect(eventually('the moon', () => false, { timeoutMs: 50, intervalMs: 5, detail: () => 'still the sun' })).rejects.toThrow(new Error('timed out after 50 ms waiting for the moon: still the sun'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('eventually - a number is the timeout; without a detail the message ends with what was awaited', async () => {
    await expect(eventually('nothing', () => false, 30)).rejects.toThrow(new Error('timed out after 30 ms waiting for nothing'));
  });

  it('eventually - a condition that throws ends the wait with its error', async () => {
    let checks = 0;
    const broken = new Error('probe broke');
    await expect(eventually('a broken probe', () => (++checks === 2 ? Promise.reject(broken) : false), { intervalMs: 1 })).rejects.toBe(broken);
    expect(checks).toBe(2);
  });

  it('eventuallyEqual - resolves once the value deeply equals the expected one', async () => {
    let reads = 0;
    await eventuallyEqual('the list', () => ['a', 'b', 'c'].slice(0, ++reads), ['a', 'b'], { intervalMs: 1 });
    expect(reads).toBe(2);
  });

  it('eventuallyEqual - past the deadline it rejects with the last value read and the expected one', async () => {
    await expect(eventuallyEqual('the count', async () => Promise.resolve(1), 0, 30)).rejects.toThrow(new Error('timed out after 30 ms waiting for the count: still 1, expected 0'));
    await expect(eventuallyEqual('the row', () => ['x'], ['y'], { timeoutMs: 30, detail: () => 'page 2' })).rejects.toThrow(new Error("timed out after 30 ms waiting for the row: still [ 'x' ], expected [ 'y' ]; page 2"));
  });
});
