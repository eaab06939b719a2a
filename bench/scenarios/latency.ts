import { autoAck, createEventService, eventStream } from 'rx-redis-events';
import type { Subscription } from 'rxjs';
import { setTimeout as sleep } from 'node:timers/promises';
import superjson from 'superjson';
import type { BenchConfig } from '../config';
import { createGroup, readAckLoop, waitUntil } from '../handwritten';
import { pace } from '../pace';
import { makeEvent, nowMs, Orders, type BenchEvent } from '../payload';
import type { BenchRedis } from '../redis';
import { formatMs, formatRatio, type ScenarioResult } from '../result';
import { median, rotate, summariseLatency, type LatencySummary } from '../stats';

const HAND = 'hand-written: XADD per event → blocking XREADGROUP COUNT 1000 BLOCK 2000 loop';
const LIBRARY = 'library: service.produce(stream, event) → consume(stream) + autoAck()';
const IDLE_STREAMS = 10;
const LIBRARY_IDLE = `library: the same, the consuming service also consuming ${IDLE_STREAMS} idle streams`;
const LIBRARY_PRODUCER = 'half: library produce(stream, event) → the hand-written consumer loop';
const LIBRARY_CONSUMER = 'half: hand-written XADD → library consume(stream) + autoAck()';
const FLOOR = 'floor: one PING round trip per event (no stream, one connection)';
const WARM_UP_MS = 1000;

/** One timed run: the producer side is told to send each event; the consumer side reports each one it handles. */
interface LatencyRun {
  /** Starts the consumer; `handled` is called with every event it receives. */
  start(handled: (value: BenchEvent) => void): Promise<void>;
  send(event: BenchEvent): void;
  stop(): Promise<void>;
}

/** A variant's latencies, its pace, and the process CPU time per event (µs) over its turns. */
type Measured = LatencySummary & { rate: number; cpuPerEvent: number };

/** How long each variant sends before the other takes over: both see the same moments of the machine. */
const SLICE_MS = 1000;

/**
 * Measures every variant in one run: all are started (connected, consumers waiting), then they send in
 * turns of {@link SLICE_MS} (order rotated by `rep`) until each has sent for `latencySeconds`, after a
 * warm-up turn each that is not counted. A variant that is not sending has a consumer blocked in Redis,
 * which costs nothing. Interleaving matters on a shared machine: its stalls come and go over seconds,
 * and back-to-back runs of 10 s would each catch different ones.
 */
async function measureInterleaved(runs: Record<string, LatencyRun>, config: BenchConfig, rep: number): Promise<Record<string, Measured>> {
  const order = rotate(Object.keys(runs), rep - 1);
  const samples: Record<string, number[]> = {};
  const received: Record<string, number> = {};
  const sent: Record<string, number> = {};
  const cpuMicros: Record<string, number> = {};
  let measuring = false;
  for (const name of order) {
    samples[name] = [];
    received[name] = 0;
    sent[name] = 0;
    cpuMicros[name] = 0;
    await (runs[name] as LatencyRun).start((value) => {
      const latency = nowMs() - value.sentAt;
      received[name] = (received[name] as number) + 1;
      if (measuring) (samples[name] as number[]).push(latency);
    });
  }
  // the process's CPU time over a variant's turns: its producer and its consumer, and nobody else's sends
  const turn = async (name: string, ms: number) => {
    const first = sent[name] as number;
    const cpu = process.cpuUsage();
    sent[name] = first + (await pace(config.latencyRate, ms, (n) => (runs[name] as LatencyRun).send(makeEvent(first + n))));
    await waitUntil(`${name}: every event handled`, () => (received[name] as number) >= (sent[name] as number), 30_000, 1);
    const used = process.cpuUsage(cpu);
    if (measuring) cpuMicros[name] = (cpuMicros[name] as number) + used.user + used.system;
  };
  for (const name of order) await turn(name, WARM_UP_MS);
  await sleep(100); // anything a variant sent while starting (the library's connecting produce) has arrived
  for (const name of order) received[name] = sent[name] as number;
  measuring = true;
  const before = { ...sent };
  for (let slice = 0; slice < (config.latencySeconds * 1000) / SLICE_MS; slice++) for (const name of order) await turn(name, SLICE_MS);
  measuring = false;
  const results: Record<string, Measured> = {};
  for (const name of order) {
    await (runs[name] as LatencyRun).stop();
    const events = (sent[name] as number) - (before[name] as number);
    results[name] = { ...summariseLatency(samples[name] as number[]), rate: (events * 1000) / (config.latencySeconds * 1000), cpuPerEvent: (cpuMicros[name] as number) / events };
  }
  return results;
}

/**
 * What no client can beat on this machine at this pace: one Redis round trip per event, without a
 * stream or a second connection (the event "arrives" when its PING is answered).
 */
function floor(redis: BenchRedis): LatencyRun {
  const client = redis.client();
  let handle: (value: BenchEvent) => void = () => undefined;
  return {
    start: async (handled) => {
      handle = handled;
      await client.ping();
    },
    send: (event) => void client.ping().then(() => handle(event), (error: unknown) => console.error(error)),
    stop: () => Promise.resolve(client.disconnect()),
  };
}

/** One side of a pipeline: a producer sends what it is told, a consumer hands on what it receives. */
interface Producer {
  start(): Promise<void>;
  send(event: BenchEvent): void;
  stop(): Promise<void>;
}
interface Consumer {
  start(handled: (value: BenchEvent) => void): Promise<void>;
  stop(): Promise<void>;
}

/** A run from a producer and a consumer of the same stream: the consumer starts first (its group exists before the first event). */
function pipeline(producer: Producer, consumer: Consumer): LatencyRun {
  return {
    start: async (handled) => {
      await consumer.start(handled);
      await producer.start();
    },
    send: (event) => producer.send(event),
    stop: async () => {
      await consumer.stop();
      await producer.stop();
    },
  };
}

/** `XADD key * v <superjson>` per event, on a connection of its own. */
function handProducer(redis: BenchRedis, prefix: string): Producer {
  const key = prefix + Orders.name;
  const producer = redis.client();
  return {
    start: async () => void (await producer.ping()),
    send: (event) => void producer.xadd(key, '*', 'v', superjson.stringify(event)).catch((error: unknown) => console.error(error)),
    stop: () => Promise.resolve(producer.disconnect()),
  };
}

/** The blocking `XREADGROUP COUNT 1000 BLOCK 2000` → `superjson.parse` → `XACK` loop, on a connection of its own. */
function handConsumer(redis: BenchRedis, prefix: string): Consumer {
  const key = prefix + Orders.name;
  const consumer = redis.client();
  let stopped = false;
  let loop: Promise<void> = Promise.resolve();
  return {
    start: async (handled) => {
      await createGroup(consumer, key, 'latency', '$');
      loop = readAckLoop(consumer, key, 'latency', handled, () => stopped, 2000);
    },
    stop: async () => {
      stopped = true;
      consumer.disconnect();
      await loop;
    },
  };
}

/** `service.produce(stream, event)` per event, from a service of its own. */
function libraryProducer(redis: BenchRedis, prefix: string): Producer {
  const producer = createEventService({ group: 'latency-producer', redis: redis.url, prefix });
  return {
    // connects the producer; its consumer gets this event during the warm-up
    start: async () => void (await producer.produce(Orders, makeEvent(-1))),
    send: (event) => void producer.produce(Orders, event).catch((error: unknown) => console.error(error)),
    stop: () => producer.close(),
  };
}

/** `consume(stream) + autoAck()`; with `idleStreams`, the same service also consumes that many streams nobody produces to (read by the same blocking reader). */
function libraryConsumer(redis: BenchRedis, prefix: string, idleStreams = 0): Consumer {
  const consumer = createEventService({ group: 'latency', redis: redis.url, prefix });
  let subscription: Subscription | undefined;
  return {
    start: async (handled) => {
      subscription = consumer.consume(Orders, { from: 'start' }).pipe(autoAck()).subscribe((delivery) => handled(delivery.value));
      for (let index = 0; index < idleStreams; index++) subscription.add(consumer.consume(eventStream<BenchEvent>(`idle-${index}`)).pipe(autoAck()).subscribe());
      await consumer.ready();
    },
    stop: async () => {
      subscription?.unsubscribe();
      await consumer.close();
    },
  };
}

/** Scenario 3: end-to-end latency at a fixed rate, stamped at produce and measured in the handler (one process). */
export async function latencyScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  const results: Record<string, Measured[]> = { [FLOOR]: [], [HAND]: [], [LIBRARY]: [], [LIBRARY_IDLE]: [], [LIBRARY_PRODUCER]: [], [LIBRARY_CONSUMER]: [] };
  for (let rep = 1; rep <= config.latencyReps; rep++) {
    await redis.flush();
    const at = (variant: string) => `bench:latency:${rep}:${variant}:`;
    const runs = {
      [FLOOR]: floor(redis),
      [HAND]: pipeline(handProducer(redis, at('hand')), handConsumer(redis, at('hand'))),
      [LIBRARY]: pipeline(libraryProducer(redis, at('lib')), libraryConsumer(redis, at('lib'))),
      [LIBRARY_IDLE]: pipeline(libraryProducer(redis, at('idle')), libraryConsumer(redis, at('idle'), IDLE_STREAMS)),
      [LIBRARY_PRODUCER]: pipeline(libraryProducer(redis, at('libProducer')), handConsumer(redis, at('libProducer'))),
      [LIBRARY_CONSUMER]: pipeline(handProducer(redis, at('libConsumer')), libraryConsumer(redis, at('libConsumer'))),
    };
    const measured = await measureInterleaved(runs, config, rep);
    for (const [variant, summary] of Object.entries(measured)) results[variant]?.push(summary);
  }
  const stat = (variant: string, pick: (s: Measured) => number) => median((results[variant] ?? []).map(pick));
  const row = (variant: string) => ({
    variant,
    result: `p50 ${formatMs(stat(variant, (s) => s.p50))} · p99 ${formatMs(stat(variant, (s) => s.p99))} · max ${formatMs(stat(variant, (s) => s.max))} · CPU ${cpuOf(variant).toFixed(0)} µs/event`,
    ratio: variant === HAND ? 'baseline' : variant === FLOOR ? `p99 ${formatRatio(stat(variant, (s) => s.p99) / stat(HAND, (s) => s.p99))}` : `p50 ${formatRatio(stat(variant, (s) => s.p50) / stat(HAND, (s) => s.p50))} · p99 ${formatRatio(stat(variant, (s) => s.p99) / stat(HAND, (s) => s.p99))} · CPU ${formatRatio(cpuOf(variant) / cpuOf(HAND))}`,
    detail: `${Math.round(stat(variant, (s) => s.count)).toLocaleString('en-US')} samples at ${Math.round(stat(variant, (s) => s.rate))}/s${config.latencyReps > 1 ? `, median of ${config.latencyReps} runs` : ''}`,
  });
  const cpuOf = (variant: string) => stat(variant, (s) => s.cpuPerEvent);
  const libP99 = stat(LIBRARY, (s) => s.p99);
  const handP99 = stat(HAND, (s) => s.p99);
  const handP50 = stat(HAND, (s) => s.p50);
  /** Issue 26's steady-load targets for one library variant, against the hand-written loop of the same run. */
  const steady = (variant: string, label: string) => {
    const [p50, p99, cpu] = [stat(variant, (s) => s.p50), stat(variant, (s) => s.p99), cpuOf(variant)];
    return [
      { target: `${label}: CPU per event ≤ 1.2× hand-written`, measured: `${cpu.toFixed(0)} vs ${cpuOf(HAND).toFixed(0)} µs (${formatRatio(cpu / cpuOf(HAND))})`, met: cpu <= 1.2 * cpuOf(HAND) },
      { target: `${label}: p50 ≤ hand-written p50 + 0.02 ms`, measured: `${formatMs(p50)} vs ${formatMs(handP50)} + 0.02 ms`, met: p50 <= handP50 + 0.02 },
      { target: `${label}: p99 ≤ hand-written p99 + 0.2 ms`, measured: `${formatMs(p99)} vs ${formatMs(handP99)} + 0.2 ms`, met: p99 <= handP99 + 0.2 },
    ];
  };
  return {
    title: `3. End-to-end latency at ${config.latencyRate.toLocaleString('en-US')} events/s for ${config.latencySeconds} s (produce → handler)`,
    rows: [row(FLOOR), row(HAND), row(LIBRARY), row(LIBRARY_IDLE), row(LIBRARY_PRODUCER), row(LIBRARY_CONSUMER)],
    targets: [
      { target: 'e2e p99 at 2k/s ≤ 2 ms', measured: formatMs(libP99), met: libP99 <= 2 },
      ...steady(LIBRARY, 'steady load'),
      ...steady(LIBRARY_IDLE, `steady load with ${IDLE_STREAMS} idle streams`),
    ],
    notes: [
      `Each event carries \`performance.timeOrigin + performance.now()\` taken when it is produced; the handler subtracts it (producer and consumer share one process). All variants run together, sending in turns of ${SLICE_MS} ms until each has sent for ${config.latencySeconds} s, after an uncounted warm-up turn of ${WARM_UP_MS} ms each; those not sending wait in a blocked read. The idle streams of the last variant are read by the same blocking \`XREADGROUP\` as the measured one (one reader per service and server).`,
      'Events are sent one by one (one produce call or XADD each) in 1 ms ticks; producer and consumer have connections of their own.',
      'The two "half" rows pair one side of the library with the other side of the hand-written loop, on the same stream layout: what each row costs above the hand-written one is what that side of the library costs.',
      'CPU per event is the process CPU time (`process.cpuUsage()`, user + system) over a variant\'s counted turns, divided by the events it sent in them: its producer and its consumer together, since both live in this process.',
      `The floor row sends a \`PING\` instead of each event, in the same turns: one round trip on one connection, the least any client needs, where a stream delivery takes at least two hops (the \`XADD\`, then the answer to a read blocked on another connection). Its tail shows how much of the others' comes from the machine (two processes waking each other over loopback, on shared cores).`,
    ],
  };
}
