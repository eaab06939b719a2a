import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { ackAfter, createEventService } from 'rx-redis-events';
import type { BenchConfig } from '../config';
import { createGroup, fillBacklog, pendingCount, readAckLoop } from '../handwritten';
import { Orders } from '../payload';
import type { BenchRedis } from '../redis';
import { formatCount, formatMb, formatRatio, type ScenarioResult } from '../result';
import { median } from '../stats';

const HAND = 'hand-written: XREADGROUP COUNT 1000, 1 ms handler per event, XACK per batch';
const LIBRARY = 'library: consume(stream) + ackAfter(1 ms handler), default maxInFlight (1000)';
const PREFIX = 'bench:memory:';
const KEY = PREFIX + Orders.name;
const SAMPLE_MS = 500;
/** Every this many samples (5 s), a forced GC first: heapUsed then is the live heap, without the garbage of the GC sawtooth. */
const LIVE_EVERY = 10;
const FLAT = 0.2;
const gc = (globalThis as { gc?: () => void }).gc;

/** One memory figure: before subscribing, steady (median after the warm-up), peak and end. */
interface Level {
  readonly before: number;
  readonly steady: number;
  readonly peak: number;
  readonly end: number;
}

interface MemoryRun {
  readonly rss: Level;
  readonly heap: Level;
  /** heapUsed right after a forced GC, every 5 s after the warm-up (empty without --expose-gc). */
  readonly live: number[];
  readonly handled: number;
  readonly seconds: number;
  readonly pendingAtEnd: number;
  /** The connections the consumer opened, counted by the server (`connected_clients`) at the end of the run. */
  readonly connections: number;
}

/** How many clients the server has connected. */
async function connectedClients(admin: Redis): Promise<number> {
  return Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))?.[1]);
}

function level(before: number, samples: number[]): Level {
  return { before, steady: median(samples), peak: Math.max(...samples), end: samples[samples.length - 1] ?? Number.NaN };
}

/** Largest distance of a value from the median, relative to the median. */
function spread(values: number[]): number {
  const middle = median(values);
  return Math.max(...values.map((value) => Math.abs(value - middle))) / middle;
}

/** Flat: every RSS sample and every live-heap sample (or, without --expose-gc, every heap sample) within ±20 % of its median. */
function isFlat(run: MemoryRun, rss: number[], heap: number[]): boolean {
  return spread(rss) <= FLAT && spread(run.live.length > 0 ? run.live : heap) <= FLAT;
}

/** Samples RSS and heap every 500 ms while `consume` runs for `seconds`; the first fifth is a warm-up. */
async function watch(redis: BenchRedis, group: string, seconds: number, consume: (onEvent: () => void) => () => Promise<void>): Promise<MemoryRun & { flat: boolean }> {
  const admin = redis.client();
  const clientsBefore = await connectedClients(admin);
  gc?.();
  const before = process.memoryUsage();
  const rss: number[] = [];
  const heap: number[] = [];
  const live: number[] = [];
  let handled = 0;
  const stop = consume(() => void handled++);
  const samples = Math.round((seconds * 1000) / SAMPLE_MS);
  const warmUp = Math.max(1, Math.round(samples / 5));
  for (let index = 1; index <= samples; index++) {
    await sleep(SAMPLE_MS);
    const usage = process.memoryUsage();
    if (index < warmUp) continue;
    rss.push(usage.rss);
    heap.push(usage.heapUsed);
    if (gc && (index - warmUp) % LIVE_EVERY === 0) {
      gc();
      live.push(process.memoryUsage().heapUsed);
    }
  }
  const pendingAtEnd = await pendingCount(admin, KEY, group);
  const connections = (await connectedClients(admin)) - clientsBefore;
  admin.disconnect();
  await stop();
  const run = { rss: level(before.rss, rss), heap: level(before.heapUsed, heap), live, handled, seconds, pendingAtEnd, connections };
  return { ...run, flat: isFlat(run, rss, heap) };
}

function library(redis: BenchRedis, seconds: number) {
  return watch(redis, 'memory-lib', seconds, (onEvent) => {
    const service = createEventService({ group: 'memory-lib', redis: redis.url, prefix: PREFIX });
    const subscription = service
      .consume(Orders, { from: 'start' })
      .pipe(ackAfter(() => sleep(1).then(onEvent)))
      .subscribe();
    return async () => {
      subscription.unsubscribe();
      await service.close();
    };
  });
}

function handWritten(redis: BenchRedis, seconds: number) {
  return watch(redis, 'memory-hand', seconds, (onEvent) => {
    const client = redis.client();
    let stopped = false;
    const loop = createGroup(client, KEY, 'memory-hand', '0').then(() => readAckLoop(client, KEY, 'memory-hand', () => sleep(1).then(onEvent), () => stopped));
    return async () => {
      stopped = true;
      await loop;
      client.disconnect();
    };
  });
}

function liveText(live: number[]): string {
  return live.length > 0 ? `live heap ${live.map(formatMb).join(' → ')}` : 'live heap n/a (run with --expose-gc)';
}

function describe(run: MemoryRun & { flat: boolean }): string {
  const figure = (name: string, l: Level) => `${name} ${formatMb(l.steady)} (before ${formatMb(l.before)}, peak ${formatMb(l.peak)}, end ${formatMb(l.end)})`;
  return `${run.flat ? 'flat' : 'NOT flat'}: ${figure('RSS', run.rss)} · ${figure('heap', run.heap)} · ${liveText(run.live)}`;
}

/** Scenario 4: memory while a slow consumer works through a large backlog; it must be bounded by maxInFlight, not the backlog. */
export async function memoryScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  await redis.flush();
  const filler = redis.client();
  await fillBacklog(filler, KEY, config.memoryBacklog);
  filler.disconnect();
  const hand = await handWritten(redis, config.memorySeconds);
  const lib = await library(redis, config.memorySeconds);
  const detail = (run: MemoryRun) => `${formatCount(run.handled)} events handled in ${run.seconds} s (${formatCount(run.handled / run.seconds)}/s); ${formatCount(run.pendingAtEnd)} pending at the end; ${run.connections} connection(s)`;
  const growth = (values: number[]) => {
    const percent = Math.round(((values[values.length - 1] ?? Number.NaN) / (values[0] ?? Number.NaN) - 1) * 100) || 0;
    return values.length > 1 ? `${percent > 0 ? '+' : ''}${percent} %` : 'n/a';
  };
  return {
    title: `4. Memory with a slow handler (1 ms per event) on a backlog of ${config.memoryBacklog.toLocaleString('en-US')} events`,
    rows: [
      { variant: HAND, result: describe(hand), ratio: 'baseline', detail: detail(hand) },
      { variant: LIBRARY, result: describe(lib), ratio: `RSS ${formatRatio(lib.rss.steady / hand.rss.steady)} · heap ${formatRatio(lib.heap.steady / hand.heap.steady)}`, detail: detail(lib) },
    ],
    targets: [
      {
        target: 'memory flat within ±20 % (library: RSS and live heap)',
        measured: `RSS peak ${formatRatio(lib.rss.peak / lib.rss.steady)} steady; live heap ${growth(lib.live)} over the run; ${formatCount(lib.pendingAtEnd)} pending (maxInFlight 1000) of ${formatCount(config.memoryBacklog)}`,
        met: lib.flat,
      },
      { target: '2 connections per consuming service on one server (library, at the end of the run)', measured: String(lib.connections), met: lib.connections <= 2 },
    ],
    notes: [
      `Each consumer is watched for ${config.memorySeconds} s, not until the backlog is drained (at ~1,000 events/s that would take ${Math.round(config.memoryBacklog / 60_000)} min); RSS and heapUsed are sampled every ${SAMPLE_MS} ms.`,
      `The first fifth of the run is a warm-up; "steady" is the median of the later samples. Every ${(LIVE_EVERY * SAMPLE_MS) / 1000} s after the warm-up a forced GC gives the live heap: heapUsed itself is a sawtooth of several MB between young-generation collections. "Flat" means every RSS sample and every live-heap sample within ±${FLAT * 100} % of its median. "Before" is taken after a forced GC, before subscribing.`,
      'Connections are the server\'s `connected_clients` at the end of a run less those before it: what the consumer opened (the hand-written loop has one; the service its command connection and its blocking reader, which also reads the wake streams of scheduled events).',
      'Both consumers share this process with the rest of the benchmark, so absolute levels include what earlier scenarios left behind; the ratio column compares the two consumers.',
    ],
  };
}
