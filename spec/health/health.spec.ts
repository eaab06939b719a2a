import { broadcastStream, createEventService, eventStream, MemoryBroker, type Delivery, type EventService } from '../../src';
import { createAclUser } from '../support/acl';
import { startRedisServer, type RedisServer } from '../support/redisServer';
import { uniqueName } from '../conformance/helpers';
import { Redis } from 'ioredis';
import { execFileSync } from 'node:child_process';
import { eventually } from '../support/eventually';

const numbers = eventStream<number>('numbers');
/** The server the specs start, as its binary names itself (`Redis server v=7.0.15 …` → `redis 7.0.15`). */
const SERVER = ((version) => `${version?.[1]?.toLowerCase()} ${version?.[2]}`)(/^(\w+) server v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' })));
const cancel = broadcastStream<{ id: string }>('cancel');

/** Holds two deliveries of `numbers` un-acked and listens to `cancel`; returns the subscriptions. */
async function busy(service: EventService) {
  await service.produce(numbers, 1, 2);
  const held: Delivery<number>[] = [];
  const consuming = service.consume(numbers, { from: 'start', maxInFlight: 5 }).subscribe((d) => held.push(d));
  const listening = service.listen(cancel).subscribe();
  await eventually('two deliveries', () => held.length === 2);
  await service.listening(cancel);
  return { held, consuming, listening };
}

describe('health (memory)', () => {
  it('health - on a broker given: always ready, no warnings; lists active consume and listen subscriptions with deliveries in flight', async () => {
    const service = createEventService({ group: 'A', consumer: 'api', broker: new MemoryBroker(), closeTimeoutMs: 10 });
    expect(await service.health()).toEqual({ connection: 'ready', server: 'memory', consumers: [], listeners: [], warnings: [] });
    const { held, consuming, listening } = await busy(service);
    expect(await service.health()).toEqual({ connection: 'ready', server: 'memory', consumers: [{ stream: 'numbers', consumer: 'api#1', inFlight: 2 }], listeners: [{ channel: 'cancel' }], warnings: [] });
    await held[0]?.ack();
    expect((await service.health()).consumers).toEqual([{ stream: 'numbers', consumer: 'api#1', inFlight: 1 }]);
    consuming.unsubscribe();
    listening.unsubscribe();
    expect(await service.health()).toEqual({ connection: 'ready', server: 'memory', consumers: [], listeners: [], warnings: [] });
    await service.close();
    await expect(service.health()).rejects.toThrow('health');
  });
});

describe('health (redis)', () => {
  const servers: RedisServer[] = [];
  const services: EventService[] = [];
  const start = async (args: string[], persistent = false) => {
    const server = await startRedisServer({ args, persistent });
    servers.push(server);
    return server;
  };
  const open = (redis: string) => {
    const service = createEventService({ group: 'A', consumer: 'api', redis, prefix: `${uniqueName('health')}:`, closeTimeoutMs: 10, produceTimeoutMs: 500 });
    services.push(service);
    return service;
  };
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  it('health - save "" with appendonly no and maxmemory-policy allkeys-lru: persistence-off and eviction-policy; subscriptions listed', async () => {
    const server = await start(['--save', '', '--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru']);
    const service = open(server.url);
    const { consuming, listening } = await busy(service);
    const health = await service.health();
    expect(health).toEqual({
      connection: 'ready',
      server: SERVER,
      consumers: [{ stream: 'numbers', consumer: 'api#1', inFlight: 2 }],
      listeners: [{ channel: 'cancel' }],
      warnings: [
        { code: 'persistence-off', message: 'persistence is off (appendonly no, save ""): a Redis restart loses every stream, group and pending entry' },
        { code: 'eviction-policy', message: 'maxmemory-policy is allkeys-lru: under memory pressure Redis may evict stream keys; use noeviction' },
      ],
    });
    consuming.unsubscribe();
    listening.unsubscribe();
  });

  it('health - AOF on with noeviction: no warning; volatile-lru warns about keys with a TTL', async () => {
    const safe = await start(['--maxmemory-policy', 'noeviction'], true);
    expect(await open(safe.url).health()).toEqual({ connection: 'ready', server: SERVER, consumers: [], listeners: [], warnings: [] });
    const volatile = await start(['--maxmemory-policy', 'volatile-lru'], true);
    expect((await open(volatile.url).health()).warnings.map((warning) => warning.code)).toEqual(['eviction-policy']);
  });

  it('health - a user without CONFIG gets config-unchecked instead of a failure', async () => {
    const server = await start([]);
    const admin = new Redis(server.url);
    const prefix = 'orders:';
    const url = await createAclUser(admin, { user: 'orders-service', password: 'pw', prefix }, server.url);
    await admin.quit();
    const service = createEventService({ group: 'A', redis: url, prefix, closeTimeoutMs: 10 });
    services.push(service);
    expect((await service.health()).warnings.map((warning) => warning.code)).toEqual(['config-unchecked']);
  });

  it('health - a server that went away: reconnecting, and server-unreachable within produceTimeoutMs', async () => {
    const server = await start([]);
    const service = open(server.url);
    expect((await service.health()).connection).toBe('ready');
    await server.kill();
    await eventually('reconnecting', async () => (await service.health()).connection === 'reconnecting');
    const { server: unknown, warnings } = await service.health();
    expect(unknown).toBeUndefined();
    expect(warnings).toEqual([{ code: 'server-unreachable', message: "the server's settings could not be read: no answer within 500 ms" }]);
  });
});
