import type { NatMap } from 'ioredis';
import { createEventService, eventStream } from 'rx-redis-events';
import { partitionKeys } from '../../src/partitions/streamLayout';
import { uniqueName } from '../conformance/helpers';
import { startChaosProxy, type ChaosProxy } from '../faults/chaosProxy';
import { useRedisCluster } from '../support/useRedisCluster';
import { eventually, sleep } from '../support/eventually';

/**
 * Issue 16 on the local cluster: a proxy in front of every master (the client reaches them through
 * ioredis's `natMap`) drops the replies of one produce call over 8 partitions on 3 masters, then
 * resets the connections 300 ms later; the cluster client sends the call's appends again.
 */
describe('cluster - a produce reply lost on the network', () => {
  const proxies: ChaosProxy[] = [];
  afterAll(() => Promise.all(proxies.map((proxy) => proxy.close())), 30_000); // before the cluster stops
  const fixture = useRedisCluster({ masters: 3 });

  it('cluster - produce of 10 events whose replies were lost resolves with 10 ids, and the partitions hold those 10 entries once', async () => {
    const { cluster } = fixture;
    const natMap: NatMap = {};
    for (const node of cluster.nodes) {
      const proxy = await startChaosProxy(node);
      proxies.push(proxy);
      natMap[`${node.host}:${node.port}`] = { host: '127.0.0.1', port: Number(new URL(proxy.url).port) };
    }
    const prefix = `${uniqueName('lost')}:`;
    const stream = eventStream<{ n: number }>('orders', { partitions: 8 });
    const keys = partitionKeys(prefix, stream);
    const startupNodes = cluster.startupNodes.map((node) => natMap[`${node.host}:${node.port}`] as { host: string; port: number });
    const service = createEventService({ group: 'shop', redis: { cluster: startupNodes, natMap }, prefix, produceTimeoutMs: 15_000, onError: () => undefined });
    const admin = cluster.client();
    admin.on('error', () => undefined);
    try {
      await service.produce(stream, ...Array.from({ length: 8 }, (_, index) => ({ n: -index }))); // connected to every master
      const total = async () => (await Promise.all(keys.map((key) => admin.xlen(key)))).reduce((sum, length) => sum + length, 0);
      expect(await total()).toBe(8);
      for (const proxy of proxies) proxy.dropReplies = true;
      let settled = false;
      const produced = service.produce(stream, ...Array.from({ length: 10 }, (_, index) => ({ n: index + 1 })));
      void produced.finally(() => (settled = true));
      await eventually('the masters to hold 18 entries', async () => (await total()) >= 18, { timeoutMs: 10_000, intervalMs: 20 });
      expect(await total()).toBe(18);
      await sleep(300);
      expect(settled).toBe(false);
      for (const proxy of proxies) {
        proxy.dropReplies = false;
        proxy.resetAll();
      }
      const ids = await produced;
      expect(ids).toHaveLength(10);
      expect(await total()).toBe(18);
      const stored = (await Promise.all(keys.map((key) => admin.xrange(key, '-', '+')))).flat();
      const byValue = new Map(stored.map(([id, fields]) => [(JSON.parse(fields[1] as string) as { json: { n: number } }).json.n, id]));
      expect(byValue.size).toBe(18);
      expect(ids).toEqual(Array.from({ length: 10 }, (_, index) => byValue.get(index + 1)));
    } finally {
      await service.close();
      admin.disconnect();
    }
  }, 60_000);
});
