import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchConfig, type BenchConfig } from './config';
import { benchEnvironment } from './environment';
import { startRedis, type BenchRedis } from './redis';
import { resultsMarkdown, scenarioText, targetsText } from './report';
import type { ScenarioResult } from './result';
import { broadcastScenario } from './scenarios/broadcast';
import { clusterScenario } from './scenarios/cluster';
import { consumeScenario } from './scenarios/consume';
import { endToEndScenario } from './scenarios/endToEnd';
import { forwardScenario } from './scenarios/forward';
import { latencyScenario } from './scenarios/latency';
import { memoryScenario } from './scenarios/memory';
import { produceScenario } from './scenarios/produce';
import { leasesScenario } from './scenarios/leases';
import { schemaScenario } from './scenarios/schema';
import { scheduledScenario } from './scenarios/scheduled';

/**
 * `npm run bench`: starts a private redis-server, runs every scenario against it in this one
 * process, prints the tables and (unless BENCH_QUICK=1) writes bench/RESULTS.md.
 * `BENCH_ONLY=produce,latency` runs a subset (and writes nothing).
 */
const SCENARIOS: Record<string, (redis: BenchRedis, config: BenchConfig) => Promise<ScenarioResult>> = {
  produce: produceScenario,
  consume: consumeScenario,
  latency: latencyScenario,
  memory: memoryScenario,
  broadcast: broadcastScenario,
  endToEnd: endToEndScenario,
  cluster: clusterScenario,
  forward: forwardScenario,
  leases: leasesScenario,
  schema: schemaScenario,
  scheduled: scheduledScenario,
};

function selected(): string[] {
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  if (!only) return Object.keys(SCENARIOS);
  const unknown = only.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  return only;
}

async function main(): Promise<void> {
  const config = benchConfig();
  const names = selected();
  const started = performance.now();
  const redis = await startRedis();
  process.once('SIGINT', () => void redis.stop().finally(() => process.exit(130)));
  const env = benchEnvironment(redis.version);
  console.log(`rx-redis-events benchmark: Node ${env.node}, Redis ${redis.version} on port ${redis.port}, ${env.cores} cores, load ${env.loadAtStart.toFixed(2)}${config.quick ? ', QUICK sizes' : ''}\n`);
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') console.log('(run with --expose-gc for a clean memory baseline)\n');
  const results: ScenarioResult[] = [];
  try {
    for (const name of names) {
      const scenarioStart = performance.now();
      const result = await (SCENARIOS[name] as (typeof SCENARIOS)[string])(redis, config);
      results.push(result);
      console.log(`${scenarioText(result)}\n  (${((performance.now() - scenarioStart) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    await redis.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${targetsText(results)}\n\nTotal ${seconds.toFixed(0)} s.`);
  if (config.quick || names.length !== Object.keys(SCENARIOS).length) return console.log('(a partial or quick run: bench/RESULTS.md left as it was)');
  const file = join(__dirname, 'RESULTS.md');
  writeFileSync(file, resultsMarkdown(results, env, config, seconds));
  console.log(`Wrote ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
