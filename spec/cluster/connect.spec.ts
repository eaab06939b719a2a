import net from 'node:net';
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { Cluster as Cluster6 } from 'ioredis6';
import { autoAck, broadcastStream, createEventService, eventStream } from 'rx-redis-events';
import { collect, uniqueName } from '../conformance/helpers';
import { eventually } from '../support/eventually';
import { useRedisCluster } from '../support/useRedisCluster';

/** How a service reaches a cluster: from its nodes and options, or through a `Cluster` passed in, recognised by its shape. */
describe('cluster - connect', () => {
  const fixture = useRedisCluster({ masters: 3, appendonly: false });
  afterEach(() => jest.restoreAllMocks());

  // (Not the pub/sub subscriber: ioredis' Cluster makes its subscriber connection from a fixed set of
  // options, without disableClientInfo, so that one connection still sends CLIENT SETINFO.)
  it('cluster - the command and reader connections the library opens from cluster options send no CLIENT SETINFO', async () => {
    // only the library's connections connect from here on: the fixture's client, once it has its slot map, is closed
    await fixture.client.ping();
    fixture.client.disconnect();
    const client = jest.spyOn(Redis.prototype, 'client');
    const prefix = `${uniqueName('c5')}:`;
    const stream = eventStream<number>('numbers', { partitions: 3 });
    const service = createEventService({ group: 'A', redis: { cluster: fixture.cluster.startupNodes }, prefix });
    try {
      await service.produce(stream, 1, 2, 3);
      expect((await collect(service.consume(stream, { from: 'start' }).pipe(autoAck()), 3, 15_000)).map((delivery) => delivery.value).sort()).toEqual([1, 2, 3]);
    } finally {
      await service.close();
    }
    const subcommands = client.mock.calls.map(([subcommand]) => String(subcommand).toUpperCase());
    // a consumer opens no pub/sub connection (ioredis' cluster subscriber, left out above), so none sends it
    expect(subcommands.filter((subcommand) => subcommand === 'SETINFO')).toEqual([]);
    // one reader per partition asks for its CLIENT ID when ready: the spy sees connections as they connect
    expect(subcommands.filter((subcommand) => subcommand === 'ID').length).toBeGreaterThanOrEqual(3);
  });

  it('cluster - an ioredis 6 Cluster passed in carries partitioned events to the masters of their slots, and nothing connects elsewhere', async () => {
    const ports = new Set(fixture.cluster.startupNodes.map((node) => node.port));
    const opened: number[] = [];
    const createConnection = net.createConnection.bind(net);
    jest.spyOn(net, 'createConnection').mockImplementation(((options: net.TcpNetConnectOpts) => {
      opened.push(Number(options.port));
      if (!ports.has(Number(options.port))) throw new Error(`the spec refuses a connection to ${options.host ?? 'localhost'}:${options.port}`);
      return createConnection(options);
    }) as typeof net.createConnection);
    const client = new Cluster6([...fixture.cluster.startupNodes]);
    const prefix = `${uniqueName('c6')}:`;
    const stream = eventStream<number>('numbers', { partitions: 6 });
    const ticks = broadcastStream<number>('ticks');
    const service = createEventService({ group: 'A', redis: client, prefix, produceTimeoutMs: 5000 });
    try {
      const heard = collect(service.listen(ticks), 1);
      await service.listening(ticks);
      await service.broadcast(ticks, 1);
      expect(await heard).toEqual([1]);
      const values = Array.from({ length: 60 }, (_, n) => n);
      await service.produce(stream, ...values);
      const consumed = await collect(service.consume(stream, { from: 'start' }).pipe(autoAck()), 60, 15_000);
      expect(consumed.map((delivery) => delivery.value).sort((a, b) => a - b)).toEqual(values);
      // the partition streams (the producer's memories of its calls sit beside them, under the same tags)
      const keys = [...(await fixture.cluster.keyCountPerMaster(`${prefix}numbers:*}`)).values()];
      expect(keys.reduce((sum, count) => sum + count, 0)).toBe(6);
      expect(keys.filter((count) => count > 0).length).toBeGreaterThan(1);
    } finally {
      await service.close();
      await client.quit();
    }
    expect(opened.filter((port) => !ports.has(port))).toEqual([]);
    expect(opened.length).toBeGreaterThan(0);
  });

  // Redis refuses one command over keys of several slots (CROSSSLOT), even on one master: a reader reads the keys of one slot.
  it('cluster - a service consuming 3 streams, one of 16 partitions, blocks one XREADGROUP per slot it reads, on the master of that slot', async () => {
    const prefix = `${uniqueName('slots')}:`;
    const streams = [eventStream<number>('a'), eventStream<number>('b'), eventStream<number>('c', { partitions: 16 })];
    const tags = ['a', 'b', ...Array.from({ length: 16 }, (_, index) => index)];
    const service = createEventService({ group: 'A', redis: { cluster: fixture.cluster.startupNodes }, prefix });
    const subscriptions = streams.map((stream) => service.consume(stream).pipe(autoAck()).subscribe());
    try {
      await service.produce(streams[2] as (typeof streams)[number], ...tags.map((_, index) => index)); // every partition's key exists
      const described = await service.describe(streams[2] as (typeof streams)[number]);
      const keys = [`${prefix}a`, `${prefix}b`, ...(described.partitions ?? []).map((partition) => partition.key)];
      expect(keys).toHaveLength(18);
      const slotsPerMaster = new Map<number, Set<number>>();
      for (const key of keys) {
        const master = fixture.cluster.masterFor(calculateSlot(key)).port;
        slotsPerMaster.set(master, (slotsPerMaster.get(master) ?? new Set()).add(calculateSlot(key)));
      }
      const blockedPerMaster = async () => {
        const counts = new Map<number, number>();
        for (const port of slotsPerMaster.keys()) {
          const admin = new Redis(port, '127.0.0.1');
          try {
            counts.set(port, String(await admin.client('LIST')).split('\n').filter((line) => / cmd=xreadgroup\b/.test(line)).length);
          } finally {
            admin.disconnect();
          }
        }
        return counts;
      };
      const expected = new Map([...slotsPerMaster].map(([port, slots]) => [port, slots.size]));
      await eventually('one blocked XREADGROUP per slot, on its master', async () => JSON.stringify([...(await blockedPerMaster())]) === JSON.stringify([...expected]), 15_000);
      expect([...expected.values()].reduce((sum, count) => sum + count, 0)).toBe(new Set(keys.map((key) => calculateSlot(key))).size);
    } finally {
      subscriptions.forEach((subscription) => subscription.unsubscribe());
      await service.close();
    }
  });
});
