/** Stalls of this process seen by a busy loop: how often the machine took the CPU away. */
export interface Hiccups {
  readonly ms: number;
  /** Gaps between two loop iterations longer than 0.5 ms. */
  readonly count: number;
  readonly longestMs: number;
  /** The sum of those gaps. */
  readonly totalMs: number;
}

/**
 * Spins for `ms` milliseconds (as `redis-cli --intrinsic-latency` does) and records every gap of more
 * than 0.5 ms between two iterations: time the machine (a hypervisor, other processes) did not run
 * this process. No client can have a latency tail shorter than what this shows.
 */
export function measureHiccups(ms: number): Hiccups {
  const start = performance.now();
  let last = start;
  let count = 0;
  let longestMs = 0;
  let totalMs = 0;
  for (let now = start; now - start < ms; now = performance.now()) {
    const gap = now - last;
    if (gap > 0.5) {
      count++;
      totalMs += gap;
      if (gap > longestMs) longestMs = gap;
    }
    last = now;
  }
  return { ms, count, longestMs, totalMs };
}
