/**
 * Graceful shutdown on SIGTERM (what Kubernetes sends before it kills a pod): `close()` stops
 * reading, lets the handlers that are running finish, flushes their acks, then disconnects, so a
 * deploy neither loses nor repeats the events in flight.
 *
 * Run: `EXAMPLE=graceful-shutdown npm run example`, then press Ctrl-C or `kill <pid>`
 * (in memory, or with `REDIS_URL=redis://...` for Redis). It produces a tick every 20 ms and
 * handles each in 300 ms, four at a time.
 */
import { interval, map, timer } from 'rxjs';
import { MemoryBroker, ackAfter, createEventService, eventStream, produceTo } from 'rx-redis-events';

const Ticks = eventStream<{ n: number; at: Date }>('ticks');

/** Starts the worker; resolves with what it did once a signal has shut it down. */
export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<{ handled: number; acked: number; inFlightAtSignal: number }> {
  const log = env.log ?? console.log;
  const backend = { ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }), prefix: `example:${Date.now()}:` };
  const producer = createEventService({ group: 'clock', ...backend });
  const worker = createEventService({ group: 'worker', ...backend, closeTimeoutMs: 5000 });
  let started = 0;
  let handled = 0;
  let acked = 0;

  // #region worker
  // maxInFlight = concurrency: no delivery waits inside the pipeline, so at shutdown only the events
  // being handled are in flight, and close() waits just for them.
  worker
    .consume(Ticks, { from: 'start', maxInFlight: 4 })
    .pipe(
      ackAfter(
        (delivery) => {
          started++;
          return timer(300).pipe(map(() => delivery.value.n)); // the real work of one event
        },
        { concurrency: 4 },
      ),
    )
    .subscribe((outcome) => {
      handled++;
      if (outcome.ok) void outcome.item.ack().then(() => acked++);
    });
  const production = interval(20)
    .pipe(
      map((n) => ({ n, at: new Date() })),
      produceTo(producer, Ticks),
    )
    .subscribe();

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    log('ready');
  });
  const inFlightAtSignal = started - handled;
  log(`${signal}: closing with ${inFlightAtSignal} events in their handlers`);
  production.unsubscribe();
  await worker.close(); // waits for those handlers (up to closeTimeoutMs) and flushes their acks
  await producer.close();
  // #endregion worker
  log(`closed: ${handled} handled, ${acked} acked`);
  return { handled, acked, inFlightAtSignal };
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
