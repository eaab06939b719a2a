import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { lastValueFrom, of, toArray } from 'rxjs';
import { broadcastStream, createEventService, eventStream, isRetriable, produceTo, ReplicationTimeoutError, type EventService } from 'rx-redis-events';
import { uniqueName } from '../../conformance/helpers';
import { partitionKeys } from '../../../src/partitions/streamLayout';
import { ReplicaWaits } from '../../../src/transport/redis/replicaWaits';
import { startRedisServer, type RedisServer } from '../../support/redisServer';
import { startReplica } from '../../support/redisSentinel';
import { useRedisCluster } from '../../support/useRedisCluster';

const Jobs = eventStream<{ n: number }>('jobs');
const TIMEOUT_MS = 600;
/** What a loaded machine may add to `timeoutMs` before the rejection arrives. */
const MARGIN_MS = 1500;

/** How many `WAIT` commands the server has run since its stats were last reset. */
async function waitCalls(connection: Redis): Promise<number> {
  const stats = String(await connection.info('commandstats'));
  return Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

const idsOf = (entries: [string, string[]][]) => entries.map(([id]) => id);

/** A stand-in for an ioredis connection: its socket can be replaced, and each WAIT is answered by hand. */
function fakeConnection() {
  const sent: { replicas: number; timeoutMs: number; answer: (count: number) => void }[] = [];
  const connection = {
    stream: {} as object,
    wait: (replicas: number, timeoutMs: number) => new Promise<number>((answer) => sent.push({ replicas, timeoutMs, answer })),
  };
  return { connection, sent, asRedis: connection as unknown as Redis };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('replicaWaits - one WAIT in flight per connection', () => {
  it('replicaWaits - callers that come while a WAIT is in flight share the next one, sent once the first answers', async () => {
    const { sent, asRedis } = fakeConnection();
    const waits = new ReplicaWaits();
    const first = waits.wait(asRedis, 1, 500);
    const later = [waits.wait(asRedis, 1, 500), waits.wait(asRedis, 1, 500), waits.wait(asRedis, 1, 500)];
    expect(sent.map(({ replicas, timeoutMs }) => [replicas, timeoutMs])).toEqual([[1, 500]]);
    sent[0]?.answer(1);
    expect(await first).toBe(1);
    await turn();
    expect(sent).toHaveLength(2);
    sent[1]?.answer(2);
    expect(await Promise.all(later)).toEqual([2, 2, 2]);
    const after = waits.wait(asRedis, 1, 500); // nothing in flight: sent at once
    expect(sent).toHaveLength(3);
    sent[2]?.answer(0);
    expect(await after).toBe(0);
  });

  it('replicaWaits - a WAIT answered on another socket than it was sent on (ioredis sent it again after a reconnect) counts 0', async () => {
    const { connection, sent, asRedis } = fakeConnection();
    const waits = new ReplicaWaits();
    const answer = waits.wait(asRedis, 1, 500);
    connection.stream = {};
    sent[0]?.answer(1);
    expect(await answer).toBe(0);
  });

  it('replicaWaits - a caller whose write went out on an earlier socket than the shared WAIT counts 0; the others get the answer', async () => {
    const { connection, sent, asRedis } = fakeConnection();
    const waits = new ReplicaWaits();
    const first = waits.wait(asRedis, 1, 500);
    const beforeReconnect = waits.wait(asRedis, 1, 500);
    connection.stream = {}; // the connection was replaced while the first WAIT was in flight
    const afterReconnect = waits.wait(asRedis, 1, 500);
    sent[0]?.answer(1);
    expect(await first).toBe(0);
    await turn();
    sent[1]?.answer(1);
    expect(await Promise.all([beforeReconnect, afterReconnect])).toEqual([0, 1]);
  });

  it('replicaWaits - a failed WAIT rejects its callers, and the next caller sends a new one', async () => {
    const connection = { stream: {}, wait: jest.fn().mockRejectedValueOnce(new Error('Connection is closed.')).mockResolvedValueOnce(1) };
    const waits = new ReplicaWaits();
    await expect(waits.wait(connection as unknown as Redis, 1, 500)).rejects.toThrow('Connection is closed.');
    expect(await waits.wait(connection as unknown as Redis, 1, 500)).toBe(1);
    expect(connection.wait).toHaveBeenCalledTimes(2);
  });
});

describe('durability - options', () => {
  const build = (durability: unknown, redis: string | null = 'redis://127.0.0.1:1') => () => createEventService({ group: 'g', ...(redis === null ? {} : { redis }), durability } as never);

  it('durability - the in-memory broker refuses it (it has no replicas) with a TypeError naming the option', () => {
    expect(build({ replicas: 1, timeoutMs: 100 }, null)).toThrow(new TypeError('rx-redis-events: createEventService option durability needs redis: the in-memory broker has no replicas to confirm the entries'));
  });

  it('durability - bad values are refused at construction, naming the field', () => {
    expect(build(5)).toThrow(new TypeError('rx-redis-events: createEventService option durability must be an object { replicas, timeoutMs }, got 5'));
    expect(build({ replicas: 0, timeoutMs: 100 })).toThrow(new RangeError('rx-redis-events: createEventService option durability.replicas must be an integer >= 1, got 0'));
    expect(build({ replicas: 1.5, timeoutMs: 100 })).toThrow(RangeError);
    expect(build({ timeoutMs: 100 })).toThrow(new RangeError('rx-redis-events: createEventService option durability.replicas must be an integer >= 1, got undefined'));
    expect(build({ replicas: 1, timeoutMs: 0 })).toThrow(new RangeError('rx-redis-events: createEventService option durability.timeoutMs must be an integer between 1 and 2147483647, got 0'));
    expect(build({ replicas: 1, timeoutMs: Infinity })).toThrow(RangeError);
  });
});

describe('durability - one master and one replica', () => {
  let master: RedisServer;
  let replica: RedisServer;
  let admin: Redis;
  let replicaAdmin: Redis;
  const services: EventService[] = [];
  const open = (timeoutMs = TIMEOUT_MS) => {
    const service = createEventService({ group: 'g', redis: master.url, prefix: `${uniqueName('durable')}:`, durability: { replicas: 1, timeoutMs }, onError: () => undefined });
    services.push(service);
    return service;
  };
  const prefixOf = (service: EventService) => (service as unknown as { options: { prefix: string } }).options.prefix;

  beforeAll(async () => {
    master = await startRedisServer();
    replica = await startReplica(master);
    admin = new Redis(master.url);
    replicaAdmin = new Redis(replica.url);
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
    await Promise.all([admin.quit(), replicaAdmin.quit()]);
    await replica.stop();
    await master.stop();
  });

  it('durability - produce and produceTo resolve once the replica has the entries', async () => {
    const service = open();
    const key = `${prefixOf(service)}jobs`;
    const ids = await service.produce(Jobs, { n: 1 }, { n: 2 }, { n: 3 });
    expect(idsOf(await replicaAdmin.xrange(key, '-', '+'))).toEqual(ids); // read from the replica the moment produce resolved
    const more = await lastValueFrom(of({ n: 4 }, { n: 5 }).pipe(produceTo(service, Jobs), toArray()));
    expect(idsOf(await replicaAdmin.xrange(key, '-', '+'))).toEqual([...ids, ...more]);
  });

  it('durability - 50 concurrent produces on one connection take two or three WAITs: one in flight, the next shared by everyone who came meanwhile', async () => {
    const service = open();
    await service.produce(Jobs, { n: 0 }); // connected
    await admin.config('RESETSTAT');
    const ids = (await Promise.all(Array.from({ length: 50 }, (_, n) => service.produce(Jobs, { n: n + 1 })))).flat();
    expect(ids).toHaveLength(50);
    // a third when replies to the last appends are read together with the first WAIT's answer
    const waits = await waitCalls(admin);
    expect(`${waits >= 2 && waits <= 3 ? 'two or three' : waits} WAITs`).toBe('two or three WAITs');
    const onReplica = new Set(idsOf(await replicaAdmin.xrange(`${prefixOf(service)}jobs`, '-', '+')));
    expect(ids.filter((id) => !onReplica.has(id))).toEqual([]);
  });

  it(`durability - with the replica stopped (SIGSTOP), produce rejects after timeoutMs (${TIMEOUT_MS}) with a retriable ReplicationTimeoutError; the entry is on the master; broadcast does not wait`, async () => {
    const service = open();
    const key = `${prefixOf(service)}jobs`;
    await service.produce(Jobs, { n: 1 });
    await replica.kill('SIGSTOP');
    let elapsedMs: number;
    let broadcastMs: number;
    let error: unknown;
    try {
      const broadcastAt = Date.now();
      await service.broadcast(broadcastStream<string>('news'), 'hello');
      broadcastMs = Date.now() - broadcastAt;
      const startedAt = Date.now();
      error = await service.produce(Jobs, { n: 2 }).catch((rejection: unknown) => rejection);
      elapsedMs = Date.now() - startedAt;
    } finally {
      await replica.kill('SIGCONT');
    }
    expect(broadcastMs).toBeLessThan(TIMEOUT_MS);
    expect(error).toBeInstanceOf(ReplicationTimeoutError);
    expect(error).toMatchObject({ stream: 'jobs', replicas: 1, acknowledged: 0, timeoutMs: TIMEOUT_MS, retriable: true });
    expect(isRetriable(error)).toBe(true);
    expect((error as Error).message).toBe(
      `produce to "jobs": 0 of 1 replicas confirmed the entries within ${TIMEOUT_MS} ms; the entries are on the master and may or may not survive a failover (producing again can duplicate them)`,
    );
    expect(`${elapsedMs >= TIMEOUT_MS - 20 && elapsedMs < TIMEOUT_MS + MARGIN_MS ? 'in time' : elapsedMs}`).toBe('in time');
    const onMaster = await admin.xrange(key, '-', '+');
    expect(onMaster.map(([, fields]) => fields[1])).toEqual(['{"json":{"n":1}}', '{"json":{"n":2}}']);

    // the replica continued: produce resolves again, and the replica has everything, the rejected entry too
    const [third] = await service.produce(Jobs, { n: 3 });
    expect(idsOf(await replicaAdmin.xrange(key, '-', '+'))).toEqual([...idsOf(onMaster), third]);
  });
});

describe('durability - Redis Cluster', () => {
  const fixture = useRedisCluster({ replicasPerMaster: 1, appendonly: false });
  let service: EventService | undefined;
  afterAll(() => service?.close());

  it('durability - a partitioned produce with replicas: 1 waits on each master it wrote to, once, and resolves with the entries on their replicas', async () => {
    const { cluster } = fixture;
    const prefix = `${uniqueName('durable')}:`;
    const stream = eventStream<{ n: number }>('jobs', { partitions: 8 });
    service = createEventService({ group: 'g', redis: { cluster: cluster.startupNodes }, prefix, durability: { replicas: 1, timeoutMs: 2000 }, onError: () => undefined });
    await service.produce(stream, ...Array.from({ length: 8 }, (_, n) => ({ n }))); // connected to every master
    const masters = cluster.nodes.filter((node) => node.role === 'master');
    const admins = masters.map((node) => new Redis({ host: node.host, port: node.port }));
    try {
      await Promise.all(admins.map((connection) => connection.config('RESETSTAT')));
      const ids = await service.produce(stream, ...Array.from({ length: 40 }, (_, n) => ({ n: n + 8 })));
      expect(ids).toHaveLength(40);
      const keys = partitionKeys(prefix, stream);
      const mastersWritten = new Set(keys.map((key) => cluster.masterFor(calculateSlot(key)).port));
      expect(mastersWritten.size).toBe(3);
      expect(await Promise.all(admins.map(waitCalls))).toEqual([1, 1, 1]);

      const onReplicas = new Set<string>();
      for (const key of keys) {
        const owner = cluster.masterFor(calculateSlot(key));
        const replicaNode = cluster.nodes.find((node) => node.role === 'replica' && node.replicaOf === owner.port);
        if (!replicaNode) throw new Error(`no replica of ${owner.port}`);
        const reader = new Redis({ host: replicaNode.host, port: replicaNode.port });
        try {
          await reader.call('READONLY');
          for (const id of idsOf(await reader.xrange(key, '-', '+'))) onReplicas.add(id);
        } finally {
          reader.disconnect();
        }
      }
      expect(ids.filter((id) => !onReplicas.has(id))).toEqual([]);
    } finally {
      admins.forEach((connection) => connection.disconnect());
    }
  });
});
