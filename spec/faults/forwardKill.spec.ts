import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { partitionKeys } from '../../src/partitions/streamLayout';
import { eventStream } from '../../src';
import { Fleet, range, report, type Worker } from './harness';
import type { ForwarderConfig } from './protocol';
import { eventually } from '../support/eventually';

const EVENTS = 2000;
const OUTPUTS = 2;
const KILLS = 3;
const GROUP = 'billing';

/**
 * Issue 16: a consume → `forwardTo` pipeline in child processes, one of them SIGKILLed several times
 * mid-run and started again, and Redis restarted (AOF, fsync always) while a producer and the
 * forwarders run. Every output must exist exactly once, and nothing stays pending.
 */
describe('faults - forwardTo through SIGKILLs and a Redis restart', () => {
  const fleet = new Fleet();
  afterAll(() => fleet.killAll()); // before the server stops
  const redis = useRedisServer({ persistent: true });
  beforeAll(() => void redis.admin.on('error', () => undefined)); // down while Redis restarts

  it('faults - the target holds every expected output exactly once, and the source group has nothing pending', async () => {
    const deadline = Date.now() + 100_000;
    const left = () => Math.max(deadline - Date.now(), 1);
    const prefix = `${uniqueName('forward')}:`;
    // the producer retries a batch whose produce timed out during the restart: its idempotency keys keep the source free of duplicates
    const common = { url: redis.server.url, prefix, stream: 'orders', partitions: 2, produceTimeoutMs: 1000, idempotencyKeys: true };
    const forwarder = (name: string): ForwarderConfig => ({ ...common, mode: 'forward', group: GROUP, consumer: name, target: 'invoices', targetPartitions: 3, outputs: OUTPUTS, claimIdleAfterMs: 1500, maxInFlight: 50, concurrency: 4 });
    const steady = fleet.spawn('F-steady', forwarder('F-steady'));
    // the dying forwarder acks 300 ms after appending, so each kill finds sources whose outputs are written and not acked
    const dyingForwarder = (): ForwarderConfig => ({ ...forwarder('F-dying'), ackDelayMs: 300 });
    let dying: Worker = fleet.spawn('F-dying', dyingForwarder());
    await fleet.ready();
    const producer = fleet.spawn('P', { ...common, mode: 'produce', group: 'shop', consumer: 'P', first: 1, count: EVENTS, batchSize: 10, intervalMs: 40, retryDelayMs: 100 });
    await producer.waitFor('ready', 20_000);
    const forwardedBy = (worker: Worker) => worker.events('processed').length;

    // the same consumer name again: the restarted process takes its own pending entries back at once
    for (let kill = 1; kill <= KILLS; kill++) {
      const before = forwardedBy(dying);
      await eventually(`kill ${kill}: the dying forwarder to forward 30 more`, () => forwardedBy(dying) >= before + 30 || producer.has('done'), { timeoutMs: left(), detail: () => fleet.describe() });
      await dying.kill('SIGKILL');
      if (kill === 2) await redis.server.restart({ downMs: 1000 });
      dying = fleet.spawn(`F-dying-${kill}`, dyingForwarder());
      await dying.waitFor('ready', 20_000);
    }
    await eventually('the producer to finish', () => producer.has('done'), { timeoutMs: left(), detail: () => fleet.describe() });
    expect(fleet.produced()).toEqual(range(1, EVENTS));

    const source = eventStream('orders', { partitions: 2 });
    const target = eventStream('invoices', { partitions: 3 });
    const pending = async () => (await Promise.all(partitionKeys(prefix, source).map(async (key) => ((await redis.admin.xpending(key, GROUP)) as [number])[0]))).reduce((sum, n) => sum + n, 0);
    const targetLength = async () => (await Promise.all(partitionKeys(prefix, target).map((key) => redis.admin.xlen(key)))).reduce((sum, n) => sum + n, 0);
    const forwarded = () => new Set(fleet.processed(GROUP).map((line) => line.n));
    await eventually('every event forwarded and acked', async () => forwarded().size === EVENTS && (await pending()) === 0, { timeoutMs: left(), detail: () => `forwarded ${forwarded().size}, ${fleet.describe()}` });
    await fleet.stopAll();

    const sourceLength = (await Promise.all(partitionKeys(prefix, source).map((key) => redis.admin.xlen(key)))).reduce((sum, n) => sum + n, 0);
    const entries = (await Promise.all(partitionKeys(prefix, target).map((key) => redis.admin.xrange(key, '-', '+')))).flat();
    const outputs = entries.map(([, fields]) => (JSON.parse(fields[1] as string) as { json: { n: number; part: number } }).json);
    const distinct = new Set(outputs.map(({ n, part }) => `${n}/${part}`));
    const redeliveries = fleet.processed(GROUP).filter((line) => line.count > 1).length;
    report('forwardTo kills', { events: EVENTS, sourceEntries: sourceLength, produceRetries: producer.events('produce-error').length, outputs: outputs.length, distinctOutputs: distinct.size, duplicates: outputs.length - distinct.size, forwarded: fleet.processed(GROUP).length, redeliveries });
    expect(sourceLength).toBe(EVENTS);
    expect(await targetLength()).toBe(EVENTS * OUTPUTS);
    expect(distinct.size).toBe(EVENTS * OUTPUTS);
    expect([...range(1, EVENTS)].every((n) => distinct.has(`${n}/0`) && distinct.has(`${n}/1`))).toBe(true);
    expect(await pending()).toBe(0);
    expect(forwardedBy(steady)).toBeGreaterThan(0);
    // the kills hit the pipeline between appends and acks: some sources were forwarded again
    expect(redeliveries).toBeGreaterThan(0);
  }, 120_000);
});
