import { ackAfter, createEventService } from 'rx-redis-events';
import { timer } from 'rxjs';
import type { Redis } from 'ioredis';
import type { BenchConfig } from '../config';
import { fillBacklog, pendingCount, waitUntil } from '../handwritten';
import { Orders } from '../payload';
import type { BenchRedis } from '../redis';
import { formatCount, formatRatio, Throughput, type ScenarioResult } from '../result';
import { median, perSecond, rotate, since } from '../stats';

const HANDLER_MS = 500;
const CLAIM_IDLE_AFTER_MS = 300;
const IN_FLIGHT = 1000;
const WITHOUT = `library: consume(stream, { claimIdleAfterMs: Infinity }) + ackAfter(${HANDLER_MS} ms handler, { concurrency: ${IN_FLIGHT} }): no renewal`;
const WITH = `library: the same with claimIdleAfterMs: ${CLAIM_IDLE_AFTER_MS}: leases renewed every ${CLAIM_IDLE_AFTER_MS / 3} ms`;

const PREFIX = 'bench:leases:';
const KEY = PREFIX + Orders.name;

async function commandCalls(admin: Redis, command: string): Promise<number> {
  const stats = await admin.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

/** Drains the backlog with `IN_FLIGHT` handlers of `HANDLER_MS` at once; returns the elapsed ms, the XCLAIM calls meanwhile (renewals and claim walks) and the events delivered more than once. */
async function drain(redis: BenchRedis, group: string, backlog: number, claimIdleAfterMs: number): Promise<{ ms: number; xclaims: number; redelivered: number }> {
  const service = createEventService({ group, redis: redis.url, prefix: PREFIX });
  const admin = redis.client();
  const xclaimsBefore = await commandCalls(admin, 'xclaim');
  let handled = 0;
  let redelivered = 0;
  const start = performance.now();
  const subscription = service
    .consume(Orders, { from: 'start', maxInFlight: IN_FLIGHT, claimIdleAfterMs })
    .pipe(ackAfter((delivery) => ((redelivered += delivery.deliveryCount > 1 ? 1 : 0), timer(HANDLER_MS)), { concurrency: IN_FLIGHT }))
    .subscribe(() => void handled++);
  await waitUntil(`${backlog} events handled by ${group}`, () => handled >= backlog, 300_000);
  await waitUntil(`${group} acks`, async () => (await pendingCount(admin, KEY, group)) === 0, 30_000);
  const ms = since(start);
  subscription.unsubscribe();
  await service.close();
  const xclaims = (await commandCalls(admin, 'xclaim')) - xclaimsBefore;
  admin.disconnect();
  return { ms, xclaims, redelivered };
}

/** Scenario 8: what renewing the leases of 1000 deliveries in flight costs, with handlers slower than claimIdleAfterMs. */
export async function leasesScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  await redis.flush();
  const filler = redis.client();
  await fillBacklog(filler, KEY, config.leasesBacklog);
  filler.disconnect();
  const throughput = new Throughput();
  const xclaims: number[] = [];
  let redelivered = 0;
  const variants: [string, number][] = [
    [WITHOUT, Infinity],
    [WITH, CLAIM_IDLE_AFTER_MS],
  ];
  for (let rep = 1; rep <= config.reps; rep++) {
    for (const [name, claimIdleAfterMs] of rotate(variants, rep - 1)) {
      const run = await drain(redis, `leases-${rep}-${variants.findIndex(([variant]) => variant === name)}`, config.leasesBacklog, claimIdleAfterMs);
      throughput.add(name, perSecond(config.leasesBacklog, run.ms));
      if (name === WITH) xclaims.push(run.xclaims);
      redelivered += run.redelivered;
    }
  }
  const ratio = throughput.median(WITH) / throughput.median(WITHOUT);
  return {
    title: `8. Leases (backlog of ${config.leasesBacklog.toLocaleString('en-US')} events, ${IN_FLIGHT} deliveries in flight, handlers of ${HANDLER_MS} ms > claimIdleAfterMs ${CLAIM_IDLE_AFTER_MS} ms)`,
    rows: [WITHOUT, WITH].map((variant) => throughput.row(variant, WITHOUT)),
    targets: [{ target: 'lease renewal costs < 3 % of consume throughput with 1000 in flight', measured: `${formatRatio(ratio)} (${((1 - ratio) * 100).toFixed(1)} % cost)`, met: ratio > 0.97 }],
    notes: [
      `Every run drains the whole backlog with a group of its own; ${IN_FLIGHT} handlers (a ${HANDLER_MS} ms timer each) run at once, so the throughput bound is ${formatCount((IN_FLIGHT * 1000) / HANDLER_MS)} events/s.`,
      `With renewal every delivery is renewed about ${Math.floor(HANDLER_MS / (CLAIM_IDLE_AFTER_MS / 3))} times (one script per ${CLAIM_IDLE_AFTER_MS / 3} ms for all ${IN_FLIGHT} held ids, XPENDING of the consumer's own entries and one XCLAIM … JUSTID); a median of ${formatCount(median(xclaims))} XCLAIM calls per run (renewals and claim walks). Events delivered more than once, over every run: ${redelivered} (a lease lost to a stall of the process longer than claimIdleAfterMs would show here).`,
      `The default claimIdleAfterMs (30 s) renews every 10 s: ${formatCount(10_000 / (CLAIM_IDLE_AFTER_MS / 3))} times less often than here.`,
    ],
  };
}
