/** Sizes of one run: the sizes by default, about a tenth with `BENCH_QUICK=1` (a smoke run). */
export interface BenchConfig {
  readonly quick: boolean;
  /** Repetitions of each throughput scenario (the median is reported); `BENCH_REPS` overrides. */
  readonly reps: number;
  /** Events per produce run. */
  readonly produceEvents: number;
  /** Backlog each consume run drains (one group each, all reading one pre-filled stream). */
  readonly consumeBacklog: number;
  /** Events per second and measured seconds of the latency scenario (after a 1 s warm-up). */
  readonly latencyRate: number;
  readonly latencySeconds: number;
  /** Repetitions of the latency scenario (each variant runs `latencySeconds` per repetition; the median of each statistic is reported); `BENCH_LATENCY_REPS` overrides. */
  readonly latencyReps: number;
  /** Backlog of the memory scenario and how long each consumer is watched working through it. */
  readonly memoryBacklog: number;
  readonly memorySeconds: number;
  /** Messages published in the broadcast scenario, and local `listen()` subscribers. */
  readonly broadcastMessages: number;
  readonly broadcastListeners: number;
  /** Events of the end-to-end comparison with BullMQ, and the handler concurrency of every variant. */
  readonly endToEndEvents: number;
  readonly endToEndConcurrency: number;
  /** Events produced and then consumed by each variant of the scale-out scenario. */
  readonly clusterEvents: number;
  /** Backlog each run of the leases scenario drains (1000 slow handlers at once). */
  readonly leasesBacklog: number;
}

function intFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Reads `BENCH_QUICK` and `BENCH_REPS`. */
export function benchConfig(): BenchConfig {
  const quick = process.env.BENCH_QUICK === '1';
  const reps = intFromEnv('BENCH_REPS') ?? (quick ? 1 : 5);
  return {
    quick,
    reps,
    produceEvents: quick ? 10_000 : 50_000,
    consumeBacklog: quick ? 20_000 : 200_000,
    latencyRate: 2_000,
    latencySeconds: quick ? 2 : 10,
    latencyReps: intFromEnv('BENCH_LATENCY_REPS') ?? (quick ? 1 : 3),
    memoryBacklog: quick ? 50_000 : 500_000,
    memorySeconds: quick ? 5 : 20,
    broadcastMessages: quick ? 2_000 : 20_000,
    broadcastListeners: 100,
    endToEndEvents: quick ? 5_000 : 20_000,
    endToEndConcurrency: 100,
    clusterEvents: quick ? 10_000 : 50_000,
    leasesBacklog: quick ? 4_000 : 20_000,
  };
}
