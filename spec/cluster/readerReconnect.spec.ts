import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis } from 'ioredis';
import { createEventService, eventStream, type EventService } from 'rx-redis-events';
import { uniqueName } from '../conformance/helpers';
import { eventually, sleep } from '../support/eventually';
import { useRedisCluster } from '../support/useRedisCluster';
import { connectRedis } from '../../src/transport/redis/connect';

/** The ids of the clients blocked in XREADGROUP on the node on `port`. */
async function blockedReaders(port: number): Promise<string[]> {
  const node = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
  try {
    const list = (await node.client('LIST')) as string;
    return list.split('\n').filter((line) => / cmd=xreadgroup\b/.test(line) && / flags=b\b/.test(line)).map((line) => /\bid=(\d+)/.exec(line)?.[1] as string);
  } finally {
    node.disconnect();
  }
}

describe('cluster - blocking readers on a node connection that ends', () => {
  const fixture = useRedisCluster({ appendonly: false });
  const services: EventService[] = [];
  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
  });

  it('a reader whose connection is killed connects again and goes on reading', async () => {
    const { cluster } = fixture;
    const prefix = `${uniqueName('reader')}:`;
    const stream = eventStream<{ n: number }>('jobs');
    const service = createEventService({ group: 'workers', redis: { cluster: cluster.startupNodes }, prefix, onError: () => undefined });
    services.push(service);
    const seen: number[] = [];
    service.consume(stream, { from: 'start', blockMs: 500 }).subscribe((delivery) => {
      seen.push(delivery.value.n);
      void delivery.ack();
    });
    const port = cluster.masterFor(calculateSlot(prefix + 'jobs')).port;
    await eventually('a reader blocked on the master', async () => (await blockedReaders(port)).length > 0, { timeoutMs: 5000, intervalMs: 50 });
    const [reader] = await blockedReaders(port);
    expect(reader).toBeDefined();
    const killer = new Redis({ host: '127.0.0.1', port });
    await killer.client('KILL', 'ID', reader as string);
    killer.disconnect();
    await service.produce(stream, { n: 1 });
    await eventually('the delivery of n=1', () => seen.length > 0, { timeoutMs: 5000, intervalMs: 50 });
    expect(seen).toEqual([1]);
  });

  it('a reader opened while the cluster client holds no connection to the slot\'s master connects to that master by its address', async () => {
    const { cluster } = fixture;
    const key = `${uniqueName('reader')}:jobs`;
    const slot = calculateSlot(key);
    const master = cluster.masterFor(slot);
    const name = `127.0.0.1:${master.port}`;
    const client = cluster.client();
    const connections = connectRedis(client);
    let reader: ReturnType<typeof connections.openReader> | undefined;
    try {
      await client.xadd(key, '*', 'n', '1');
      // The pool drops a node's connection once it ends (as when its server dies); the slot map still names the node.
      const pooled = client.nodes('master').find((node) => node.options.port === master.port);
      pooled?.disconnect();
      await eventually('the pool to drop the connection to the master', () => !client.nodes('master').includes(pooled as Redis), { timeoutMs: 2000, intervalMs: 20 });
      expect(client.nodes('master').map((node) => node.options.port)).not.toContain(master.port);
      expect(client.slots[slot]?.[0]).toBe(name);
      expect(connections.nodeOf(key)).toBe(name);

      reader = connections.openReader(key, { lazyConnect: false, enableOfflineQueue: false });
      expect(reader.connection).toBeInstanceOf(Redis);
      expect(reader.connection).not.toBeInstanceOf(Cluster);
      expect(reader.node).toBe(name);
      const { connection } = reader;
      if (connection.status !== 'ready') await new Promise((ready) => connection.once('ready', ready));
      expect(await reader.connection.call('CLUSTER', 'MYID')).toBe(master.id);
      expect(await reader.connection.xread('COUNT', 10, 'STREAMS', key, '0')).toEqual([[key, [[expect.any(String), ['n', '1']]]]]);

      // CLIENT UNBLOCK goes through the pool's connection to that master once the pool has one again.
      await new Promise<void>((refreshed, failed) => client.refreshSlotsCache((error) => (error ? failed(error) : refreshed())));
      expect(client.nodes('master').map((node) => node.options.port)).toContain(master.port);
      const id = Number(await reader.connection.client('ID'));
      const started = Date.now();
      const blocked = reader.connection.xread('BLOCK', 10_000, 'STREAMS', key, '$');
      await sleep(100);
      expect(await reader.unblock(id)).toBe(1);
      expect(await blocked).toBeNull();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      reader?.connection.disconnect();
      client.disconnect();
    }
  });
});
