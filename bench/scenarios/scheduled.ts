import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import { createEventService, eventStream } from 'rx-redis-events';
import type { BenchConfig } from '../config';
import { waitUntil } from '../handwritten';
import { nowMs } from '../payload';
import type { BenchRedis } from '../redis';
import { formatMs, type ScenarioResult } from '../result';
import { summariseLatency } from '../stats';

const EVENTS = 10_000;
const SPREAD_MS = 10_000;
/** The first event is due this long after scheduling starts (scheduling 10,000 takes about a second). */
const LEAD_MS = 3000;
const PREFIX = 'bench:scheduled:';
const Reminders = eventStream<{ n: number; due: number }>('reminders');

interface Arrival {
  readonly n: number;
  readonly due: number;
  readonly id: string;
  readonly at: number;
}

async function commandCalls(admin: Redis, command: string): Promise<number> {
  const stats = await admin.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

/** The second process: one consuming instance; resolves once it is subscribed. */
async function startWorker(redis: BenchRedis, arrivals: Arrival[]): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../scheduledWorker.ts'), redis.url, PREFIX, Reminders.name], { cwd: join(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'ready') ready = true;
    else arrivals.push(JSON.parse(line) as Arrival);
  });
  await waitUntil('the worker process', () => ready, 30_000);
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}

/**
 * Scenario 11: 10,000 events scheduled for moments 1 ms apart over 10 s, moved and consumed by 3
 * instances of one group in 2 processes. Lateness is measured from each event's due time to its
 * arrival in a handler; Redis calls per moved event count the move scripts (each runs one ZRANGEBYSCORE).
 */
export async function scheduledScenario(redis: BenchRedis, _config: BenchConfig): Promise<ScenarioResult> {
  await redis.flush();
  const admin = redis.client();
  const arrivals: Arrival[] = [];
  const stopWorker = await startWorker(redis, arrivals);
  const instances = ['w1', 'w2'].map((consumer) => createEventService({ group: 'movers', consumer, redis: redis.url, prefix: PREFIX }));
  const subscriptions = instances.map((service) =>
    service.consume(Reminders, { from: 'start' }).subscribe((delivery) => {
      arrivals.push({ n: delivery.value.n, due: delivery.value.due, id: delivery.id, at: nowMs() });
      void delivery.ack();
    }),
  );
  const scheduler = createEventService({ group: 'scheduler', redis: redis.url, prefix: PREFIX });
  const movesBefore = await commandCalls(admin, 'zrangebyscore');
  const first = Date.now() + LEAD_MS;
  for (let start = 0; start < EVENTS; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, EVENTS - start) }, (_, index) => {
        const n = start + index;
        const due = first + Math.floor((n * SPREAD_MS) / EVENTS);
        return scheduler.schedule(Reminders, new Date(due), { n, due });
      }),
    );
  }
  const scheduledBy = Date.now();
  await waitUntil('every scheduled event to arrive', () => arrivals.length >= EVENTS, LEAD_MS + SPREAD_MS + 30_000);
  await sleep(500); // a duplicate would arrive meanwhile
  const moves = (await commandCalls(admin, 'zrangebyscore')) - movesBefore;
  const length = await admin.xlen(PREFIX + Reminders.name);
  subscriptions.forEach((subscription) => subscription.unsubscribe());
  await Promise.all([...instances, scheduler].map((service) => service.close()));
  await stopWorker();
  admin.disconnect();

  const distinct = new Set(arrivals.map((arrival) => arrival.n)).size;
  const early = arrivals.filter((arrival) => Number(arrival.id.split('-')[0]) < arrival.due || arrival.at < arrival.due).length;
  const lateness = summariseLatency(arrivals.map((arrival) => arrival.at - arrival.due));
  const perEvent = moves / EVENTS;
  const once = arrivals.length === EVENTS && distinct === EVENTS && length === EVENTS;
  return {
    title: `11. Scheduled events (${EVENTS.toLocaleString('en-US')} events due 1 ms apart over ${SPREAD_MS / 1000} s, 3 consuming instances in 2 processes)`,
    rows: [
      {
        variant: 'library: schedule(stream, Date, event) per event; consume() in 3 instances moves them',
        result: `lateness p50 ${formatMs(lateness.p50)}, p99 ${formatMs(lateness.p99)}, max ${formatMs(lateness.max)}`,
        ratio: '',
        detail: `${moves} move scripts (${perEvent.toFixed(3)} per event), ${arrivals.length} arrivals, ${distinct} distinct, stream length ${length}`,
      },
    ],
    targets: [
      { target: 'each scheduled event appended exactly once', measured: `${arrivals.length} arrivals, ${distinct} distinct, ${length} entries`, met: once },
      { target: 'none before its time', measured: `${early} early`, met: early === 0 },
      { target: 'lateness p99 ≤ 100 ms', measured: formatMs(lateness.p99), met: lateness.p99 <= 100 },
      { target: 'Redis calls per moved event ≤ 0.1', measured: perEvent.toFixed(3), met: perEvent <= 0.1 },
    ],
    notes: [
      `Scheduling took ${((scheduledBy - (first - LEAD_MS)) / 1000).toFixed(1)} s (one schedule call per event, 500 at a time), before the first event was due. Lateness is from the due time to the handler, across processes on one clock.`,
      'A mover appends what is due by the server clock in one script per partition and waits at least MOVE_GAP_MS (50 ms) after a move that appended, so the calls per moved event fall as the rate rises; the three instances move without coordination, so some of their moves find nothing.',
    ],
  };
}
