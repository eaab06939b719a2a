import { readFileSync } from 'node:fs';
import { autoAck, createEventService, eventStream, type EventServiceOptions } from 'rx-redis-events';
import { startRedisCluster } from '../../spec/support/redisCluster';
import type { BenchConfig } from '../config';
import { chunks, makeEvents, type BenchEvent } from '../payload';
import type { BenchRedis } from '../redis';
import { formatRatio, Throughput, type ScenarioResult } from '../result';
import { perSecond, rotate, since } from '../stats';

const CHUNK = 1000;
const PARTITIONS = 16;

const SINGLE = 'library on 1 server, 1 partition';
const SINGLE_PARTITIONED = `library on 1 server, ${PARTITIONS} partitions`;
const CLUSTER = `library on a 3-master cluster, ${PARTITIONS} partitions`;

/** CPU seconds (user + system) the process `pid` has used so far, from `/proc` (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Each process's share of one core over a drain, and this process's. */
interface DrainLoad {
  readonly servers: readonly number[];
  readonly node: number;
}

/** Produces `events` in chunks of 1000, then drains them with one consumer (autoAck); returns both rates, and the CPU the drain took from `serverPids` and from this process. */
async function produceAndConsume(redis: EventServiceOptions['redis'], partitions: number, prefix: string, events: readonly BenchEvent[], serverPids: readonly number[] = []): Promise<{ produce: number; consume: number; load: DrainLoad }> {
  const stream = eventStream<BenchEvent>('orders', { partitions, key: (event) => event.id });
  const service = createEventService({ group: 'bench', redis, prefix });
  await service.produce(stream, events[0] as BenchEvent); // connects (and creates what it needs); not measured
  const produceStart = performance.now();
  for (const chunk of chunks(events, CHUNK)) await service.produce(stream, ...chunk);
  const produceMs = since(produceStart);
  let handled = 0;
  const serversBefore = serverPids.map(cpuSeconds);
  const nodeBefore = process.cpuUsage();
  const consumeStart = performance.now();
  await new Promise<void>((resolve, reject) => {
    const subscription = service
      .consume(stream, { from: 'start' })
      .pipe(autoAck())
      .subscribe({
        next: () => {
          if (++handled === events.length + 1) {
            resolve();
            subscription.unsubscribe();
          }
        },
        error: reject,
      });
  });
  const consumeMs = since(consumeStart);
  const nodeUsed = process.cpuUsage(nodeBefore);
  const load = { servers: serverPids.map((pid, index) => ((cpuSeconds(pid) - (serversBefore[index] ?? 0)) * 1000) / consumeMs), node: (nodeUsed.user + nodeUsed.system) / 1000 / consumeMs };
  await service.close();
  return { produce: perSecond(events.length, produceMs), consume: perSecond(events.length + 1, consumeMs), load };
}

const partitionTarget = (target: string, ratio: number, least: number) => ({ target: `consume: ${target}`, measured: formatRatio(ratio), met: ratio >= least });
const percent = (share: number) => `${Math.round(share * 100)} %`;

/**
 * Scenario 7: the same produce and consume work on one server with one partition, on one server
 * with 16 partitions, and on a local Redis Cluster of 3 masters (16 partitions), in one run.
 */
export async function clusterScenario(redis: BenchRedis, config: BenchConfig): Promise<ScenarioResult> {
  const events = makeEvents(config.clusterEvents);
  const cluster = await startRedisCluster({ masters: 3, appendonly: false });
  const produce = new Throughput();
  const consume = new Throughput();
  /** The CPU of the cluster's masters and of this process during each cluster drain. */
  const clusterLoads: DrainLoad[] = [];
  const masterPids = cluster.nodes.filter((node) => node.role === 'master').map((node) => node.pid);
  try {
    const variants: Record<string, (rep: number) => Promise<{ produce: number; consume: number; load: DrainLoad }>> = {
      [SINGLE]: (rep) => produceAndConsume(redis.url, 1, `bench:cluster:${rep}:single:`, events),
      [SINGLE_PARTITIONED]: (rep) => produceAndConsume(redis.url, PARTITIONS, `bench:cluster:${rep}:partitioned:`, events),
      [CLUSTER]: async (rep) => {
        const result = await produceAndConsume({ cluster: cluster.startupNodes }, PARTITIONS, `bench:cluster:${rep}:cluster:`, events, masterPids);
        clusterLoads.push(result.load);
        return result;
      },
    };
    // one uncounted drain of each variant first: the cluster's own code (its client, a reader per slot) is otherwise measured cold, against a single server's code warmed by the scenarios before
    await produceAndConsume(redis.url, 1, 'bench:cluster:warm:single:', events);
    await produceAndConsume(redis.url, PARTITIONS, 'bench:cluster:warm:partitioned:', events);
    await produceAndConsume({ cluster: cluster.startupNodes }, PARTITIONS, 'bench:cluster:warm:cluster:', events);
    for (let rep = 1; rep <= config.reps; rep++) {
      await redis.flush();
      for (const [name, run] of rotate(Object.entries(variants), rep - 1)) {
        const rates = await run(rep);
        produce.add(`produce: ${name}`, rates.produce);
        consume.add(`consume: ${name}`, rates.consume);
      }
    }
  } finally {
    await cluster.stop();
  }
  const names = [SINGLE, SINGLE_PARTITIONED, CLUSTER];
  return {
    title: `7. Scale-out: ${events.length.toLocaleString('en-US')} events produced (chunks of ${CHUNK}) then consumed (autoAck), 1 server vs a 3-master cluster`,
    rows: [...names.map((name) => produce.row(`produce: ${name}`, `produce: ${SINGLE}`)), ...names.map((name) => consume.row(`consume: ${name}`, `consume: ${SINGLE}`))],
    targets: [
      partitionTarget(`${PARTITIONS} partitions on 1 server ≥ 0.95× 1 partition`, consume.median(`consume: ${SINGLE_PARTITIONED}`) / consume.median(`consume: ${SINGLE}`), 0.95),
      partitionTarget(`${PARTITIONS} partitions on a 3-master cluster ≥ 0.8× 1 partition on 1 server`, consume.median(`consume: ${CLUSTER}`) / consume.median(`consume: ${SINGLE}`), 0.8),
    ],
    notes: [
      `The cluster runs on the same 2-core machine as everything else (3 redis-server processes, no replicas, no persistence): it shows what partitioning and cluster routing cost, not what more machines give. Each ratio is against the single-partition stream on one server.`,
      'Each variant first produces and drains the same events once, uncounted: the code only the cluster runs (its client, a reader per slot) would otherwise be measured while Node still compiles it, against single-server code the scenarios before have warmed.',
      `CPU during the cluster drains (share of one core; the machine has 2): ${clusterLoads.map((load) => `masters ${load.servers.map(percent).join(', ')} (together ${percent(load.servers.reduce((sum, share) => sum + share, 0))}), Node ${percent(load.node)}`).join('; ')}.`,
      `With ${PARTITIONS} partitions a produce call is split by partition key into one append per partition (sent together), and one consumer reads every partition, all sharing one window (maxInFlight). On one server one blocking \`XREADGROUP\` reads all ${PARTITIONS} partitions; on the cluster there is one per partition, because Redis refuses one command over keys of several slots (\`CROSSSLOT\`), and each partition is in a slot of its own.`,
    ],
  };
}
