import net from 'node:net';
import { Redis } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { autoAck, broadcastStream, createEventService, eventStream, type EventServiceOptions, type RedisClientLike } from '../../../src';
import { collect, uniqueName } from '../../conformance/helpers';
import { createAclUser, DOCUMENTED_ACL_USER } from '../../support/acl';
import { useRedisServer } from '../../support/useRedisServer';

/** A client class of some ioredis copy: what the specs construct. */
type ClientClass = new (url: string, options?: { lazyConnect?: boolean }) => RedisClientLike & { quit(): Promise<unknown>; ping(): Promise<string>; status: string };

/** ioredis 5 loaded a second time, as another package's own copy would be: the same code, another class. */
function secondCopyOfIoredis5(): ClientClass {
  let copy: ClientClass | undefined;
  jest.isolateModules(() => {
    copy = jest.requireActual<{ Redis: ClientClass }>('ioredis').Redis;
  });
  if (!copy) throw new Error('ioredis did not load');
  return copy;
}

/** Clients passed in by the user, whatever ioredis they come from: used as they are, on their server. */
describe('redis transport - connect', () => {
  const redis = useRedisServer();
  /** Every TCP connection opened while a test runs (`host:port`); one to another port than the private server's is refused. */
  let opened: string[];
  beforeEach(async () => {
    await redis.admin.ping(); // the spec's own client is connected before the watch starts
    opened = [];
    const createConnection = net.createConnection.bind(net);
    jest.spyOn(net, 'createConnection').mockImplementation(((options: net.TcpNetConnectOpts) => {
      const target = `${options.host ?? 'localhost'}:${options.port}`;
      opened.push(target);
      if (options.port !== redis.server.port) throw new Error(`the spec refuses a connection to ${target}`);
      return createConnection(options);
    }) as typeof net.createConnection);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['an ioredis 6 client', Redis6 as unknown as ClientClass],
    ['a client of a second copy of ioredis 5', secondCopyOfIoredis5()],
  ])('connect - %s passed in carries the events to its server, nothing connects elsewhere, close() leaves it open', async (_what, Client) => {
    const client = new Client(redis.server.url);
    expect(client).not.toBeInstanceOf(Redis);
    const prefix = `${uniqueName('p')}:`;
    const stream = eventStream<number>(uniqueName('n'));
    const service = createEventService({ group: 'A', redis: client, prefix, produceTimeoutMs: 2000 });
    await service.produce(stream, 1, 2);
    expect((await redis.admin.xrange(prefix + stream.name, '-', '+')).map(([, fields]) => fields)).toEqual([
      ['v', '{"json":1}'],
      ['v', '{"json":2}'],
    ]);
    expect((await collect(service.consume(stream, { from: 'start' }).pipe(autoAck()), 2)).map((delivery) => delivery.value)).toEqual([1, 2]);
    const news = broadcastStream<number>(uniqueName('news'));
    const listening = service.listen(news).subscribe();
    await service.listening(news);
    listening.unsubscribe();
    await service.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    await client.quit();
    // the client itself, and the two the library copied from it: the blocking reader and the listener's pub/sub connection
    expect(opened).toEqual([`127.0.0.1:${redis.server.port}`, `127.0.0.1:${redis.server.port}`, `127.0.0.1:${redis.server.port}`]);
  });

  it('connect - the connections the library opens (command, reader, subscriber) send no CLIENT SETINFO, for a URL and for options', async () => {
    const client = jest.spyOn(Redis.prototype, 'client');
    const { host, port } = redis.server;
    for (const option of [redis.server.url, { url: redis.server.url }, { host, port }]) {
      const stream = eventStream<number>(uniqueName('n'));
      const channel = broadcastStream<number>(uniqueName('c'));
      const service = createEventService({ group: 'A', redis: option, prefix: `${uniqueName('p')}:` });
      service.listen(channel).subscribe();
      await service.listening(channel);
      await service.produce(stream, 1);
      await collect(service.consume(stream, { from: 'start' }).pipe(autoAck()), 1);
      await service.close();
    }
    const subcommands = client.mock.calls.map(([subcommand]) => String(subcommand).toUpperCase());
    // Redis 7.2 and later refuse CLIENT SETINFO to a least-privilege ACL user (and log it in ACL LOG); 7.0 does not know it
    expect(subcommands.filter((subcommand) => subcommand === 'SETINFO')).toEqual([]);
    // the spy sees the calls of connections as they connect: each reader asks for its CLIENT ID when ready
    expect(subcommands.filter((subcommand) => subcommand === 'ID')).toEqual(['ID', 'ID', 'ID']);
    expect(opened).toHaveLength(9);
  });

  it("connect - an ioredis 6 client of the Security guide's ACL user, made with disableClientInfo, is refused no command", async () => {
    const url = await createAclUser(redis.admin, DOCUMENTED_ACL_USER, redis.server.url);
    await redis.admin.call('ACL', 'LOG', 'RESET');
    const client = new Redis6(url, { disableClientInfo: true });
    const stream = eventStream<number>(uniqueName('n'));
    const channel = broadcastStream<number>(uniqueName('c'));
    const service = createEventService({ group: 'A', redis: client, prefix: `${DOCUMENTED_ACL_USER.prefix}${uniqueName('p')}:` });
    const heard = collect(service.listen(channel), 1);
    await service.listening(channel);
    await service.broadcast(channel, 7);
    await service.produce(stream, 1, 2);
    expect((await collect(service.consume(stream, { from: 'start' }).pipe(autoAck()), 2)).map((delivery) => delivery.value)).toEqual([1, 2]);
    expect(await heard).toEqual([7]);
    await service.close();
    await client.quit();
    expect(await redis.admin.call('ACL', 'LOG')).toEqual([]);
    await redis.admin.call('ACL', 'DELUSER', DOCUMENTED_ACL_USER.user);
  });

  it('connect - the option takes clients of ioredis 5 and 6 in TypeScript, and nothing that is not one', () => {
    const lazy = { lazyConnect: true };
    const clients: EventServiceOptions['redis'][] = [new Redis(redis.server.url, lazy), new Redis6(redis.server.url, lazy)];
    // @ts-expect-error a number is neither a URL, options nor a client
    const wrong: EventServiceOptions['redis'] = 6379;
    expect(wrong).toBe(6379);
    expect(clients).toHaveLength(2);
    clients.forEach((client) => (client as Redis).disconnect());
    expect(opened).toEqual([]);
  });
});
