import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `send(n)` for n = 0, 1, … at `rate` per second for `ms` milliseconds, catching up in 1 ms
 * ticks (a timer tick is about a millisecond, so 2,000/s sends one or two events a tick).
 * Resolves with the number of events sent.
 */
export async function pace(rate: number, ms: number, send: (n: number) => void): Promise<number> {
  const start = performance.now();
  let sent = 0;
  for (let elapsed = 0; elapsed < ms; elapsed = performance.now() - start) {
    const due = Math.floor((elapsed * rate) / 1000);
    while (sent < due) send(sent++);
    await sleep(1);
  }
  return sent;
}
