/**
 * UCloud's `object JobEvents : EventStreamContainer()` as two event streams: the job scheduler
 * handles every `started` event on its own (`EventConsumer.Immediate`), accounting handles
 * `finished` events in batches (`EventConsumer.Batched`), and the job runner produces both.
 *
 * Run: `npx tsx examples/job-events.ts` (in memory) or `REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/job-events.ts`.
 */
import { Subject, first, firstValueFrom, scan, take, timeout, toArray } from 'rxjs';
import { EventConsumer, MemoryBroker, createEventService, eventStream } from 'rx-redis-events';

// #region streams
interface JobStarted {
  jobId: string;
  startedAt: Date;
}

interface JobFinished {
  jobId: string;
  finishedAt: Date;
  exitCode: number;
}

/** The stream container: plain definitions, shared by producers and consumers. */
export const JobEvents = {
  started: eventStream<JobStarted>('jobs.started', { key: (e) => e.jobId }),
  finished: eventStream<JobFinished>('jobs.finished', { key: (e) => e.jobId }),
};
// #endregion streams

/** What the run handled, for the example's spec. */
export interface JobEventsSummary {
  /** Events written by the producer (started + finished). */
  produced: number;
  /** `started` events handled by the immediate consumer. */
  started: number;
  /** `started` events whose `startedAt` arrived as a `Date` (superjson keeps the type). */
  datesRestored: number;
  /** `finished` events handled by the batched consumer. */
  finished: number;
  /** Batches the batched consumer received. */
  batches: number;
  /** Size of the largest batch (never above `maxBatchSize`). */
  largestBatch: number;
  /** Problems reported through `onError`. */
  errors: number;
}

const JOBS = 500;

export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<JobEventsSummary> {
  const log = env.log ?? console.log;
  const errors: unknown[] = [];
  // #region services
  // In memory, the services share one broker; on Redis, a fresh key prefix per run keeps runs apart.
  const backend = {
    ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }),
    prefix: `example:${Date.now()}:`,
    onError: (error: unknown) => void errors.push(error),
  };
  const scheduler = createEventService({ group: 'job-scheduler', ...backend });
  const accounting = createEventService({ group: 'accounting', ...backend });
  const runner = createEventService({ group: 'job-runner', ...backend });
  // #endregion services

  const started = new Subject<JobStarted>();
  const batches = new Subject<JobFinished[]>();
  // Resolve once every event is handled; fail instead of hanging if deliveries stop.
  const allStarted = firstValueFrom(started.pipe(take(JOBS), timeout(10_000), toArray()));
  const allBatches = firstValueFrom(
    batches.pipe(
      timeout(10_000),
      scan((all, jobs) => [...all, jobs], [] as JobFinished[][]),
      first((all) => all.flat().length >= JOBS, [] as JobFinished[][]),
    ),
  );

  try {
    // #region consumers
    // `from: 'start'`: a group created now reads the stream from its first entry, so nothing is
    // missed when the producer is faster than the group creation (each run uses a fresh prefix).
    scheduler.subscribe(
      JobEvents.started,
      EventConsumer.Immediate((job) => {
        started.next(job); // e.g. mark the job as running: returning acks, a throw gives the event back for redelivery
      }),
      { from: 'start' },
    );

    accounting.subscribe(
      JobEvents.finished,
      EventConsumer.Batched({ maxLatency: 200, maxBatchSize: 50 }, (jobs) => {
        batches.next(jobs); // e.g. charge every job of the batch in one database call; returning acks it with one XACK
      }),
      { from: 'start' },
    );
    // #endregion consumers

    const t0 = performance.now();
    // #region producer
    const startedProducer = runner.createProducer(JobEvents.started);
    const finishedProducer = runner.createProducer(JobEvents.finished);
    const ids = Array.from({ length: JOBS }, (_, n) => `job-${n + 1}`);
    await startedProducer.produce(...ids.map((jobId) => ({ jobId, startedAt: new Date() })));
    await finishedProducer.produce(...ids.map((jobId, n) => ({ jobId, finishedAt: new Date(), exitCode: n % 10 === 0 ? 1 : 0 })));
    // #endregion producer

    const [startedJobs, finishedBatches] = await Promise.all([allStarted, allBatches]);
    const seconds = (performance.now() - t0) / 1000;
    const sizes = finishedBatches.map((jobs) => jobs.length);
    const finishedJobs = finishedBatches.flat();
    const failed = finishedJobs.filter((job) => job.exitCode !== 0).length;

    log(`backend:       ${env.redisUrl ? `redis (${env.redisUrl})` : 'memory'}`);
    log(`job-scheduler: ${startedJobs.length} started events, one by one (first ${startedJobs[0]?.jobId}, last ${startedJobs.at(-1)?.jobId})`);
    log(`accounting:    ${finishedJobs.length} finished events in ${sizes.length} batches (largest ${Math.max(...sizes)}), ${failed} failed jobs`);
    log(`throughput:    ${2 * JOBS} events produced and handled in ${(seconds * 1000).toFixed(0)} ms = ${Math.round((2 * JOBS) / seconds)} events/s`);

    return {
      produced: 2 * JOBS,
      started: startedJobs.length,
      datesRestored: startedJobs.filter((job) => job.startedAt instanceof Date).length,
      finished: finishedJobs.length,
      batches: sizes.length,
      largestBatch: Math.max(...sizes),
      errors: errors.length,
    };
  } finally {
    started.complete(); // ends the waits above if something failed early
    batches.complete();
    // close() waits for in-flight deliveries, flushes the acks and disconnects.
    await Promise.all([scheduler.close(), accounting.close(), runner.close()]);
  }
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
