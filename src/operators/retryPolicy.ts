import { assertDuration } from '../internal/validate';

/** Fixed nack delays: the n-th failed delivery waits `delays[n - 1]` ms (the last one repeats). */
export interface FixedRetry {
  readonly delays: readonly number[];
}

/** Exponential nack delays with jitter: `initialMs * factor^(n - 1)`, capped at `maxMs`, each spread by ±`jitter`. */
export interface ExponentialRetry {
  readonly initialMs?: number;
  readonly factor?: number;
  readonly maxMs?: number;
  /** Fraction of the delay added or removed at random (0 to 1). */
  readonly jitter?: number;
}

/** How long a failed delivery waits before it is delivered again. */
export type RetryConfig = FixedRetry | ExponentialRetry;

/** The default: 1 s, 2 s, 4 s… up to 60 s, ±20 %. */
export const DEFAULT_RETRY: Required<ExponentialRetry> = Object.freeze({ initialMs: 1000, factor: 2, maxMs: 60_000, jitter: 0.2 });

/** Validates a retry configuration and returns the delay function it describes; throws naming the bad option. */
export function retryDelays(config: RetryConfig = DEFAULT_RETRY, random: () => number = Math.random): (deliveryCount: number) => number {
  if ('delays' in config) {
    if (!Array.isArray(config.delays) || config.delays.length === 0) throw new RangeError('rx-redis-events: retry delays must be a non-empty array of milliseconds');
    config.delays.forEach((delay, index) => assertDuration(delay, `retry delays[${index}]`));
    const delays = config.delays;
    return (deliveryCount) => delays[Math.min(Math.max(deliveryCount, 1), delays.length) - 1] as number;
  }
  const { initialMs, factor, maxMs, jitter } = { ...DEFAULT_RETRY, ...config };
  assertDuration(initialMs, 'retry initialMs');
  assertDuration(maxMs, 'retry maxMs');
  if (!(factor >= 1)) throw new RangeError(`rx-redis-events: retry factor must be a number >= 1, got ${String(factor)}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`rx-redis-events: retry jitter must be between 0 and 1, got ${String(jitter)}`);
  return (deliveryCount) => {
    const base = Math.min(initialMs * factor ** Math.max(deliveryCount - 1, 0), maxMs);
    return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
  };
}
