import { createEventService, MemoryBroker, type EventService } from '../../src';

const MEMORY_BROKER = {
  code: 'memory-broker',
  message: 'the service runs on a private in-memory broker (neither redis nor broker was given): nothing is persisted, and nothing is shared with other processes',
};
const UNSET_HINT = '(an unset environment variable? leave redis out for the in-memory broker)';

/** Which broker a service runs on is what its options say: a missing Redis URL never means memory. */
describe('createEventService - backend', () => {
  const services: EventService[] = [];
  const open = (options: Parameters<typeof createEventService>[0]) => {
    const service = createEventService({ closeTimeoutMs: 10, ...options });
    services.push(service);
    return service;
  };
  afterEach(() => Promise.all(services.splice(0).map((service) => service.close())));

  it.each([
    ['an unset environment variable', { redis: process.env.RX_REDIS_EVENTS_SPEC_UNSET_URL }, `got undefined ${UNSET_HINT}`],
    ['undefined beside a broker', { redis: undefined, broker: new MemoryBroker() }, `got undefined ${UNSET_HINT}`],
    ['null', { redis: null as unknown as string }, 'got null'],
    ["''", { redis: '' }, `got "" ${UNSET_HINT}`],
  ])('createEventService - a redis option given as %s is a TypeError naming redis, not an in-memory service', (_what, options, got) => {
    const run = () => open({ group: 'A', ...options });
    expect(run).toThrow(TypeError);
    expect(run).toThrow(`rx-redis-events: createEventService option redis must be a URL, ioredis options or an ioredis client, ${got}`);
    expect(services).toEqual([]);
  });

  it.each([
    ['a typo in the scheme', 'redis//127.0.0.1:6379', '"redis//127.0.0.1:6379"'],
    ['another scheme', 'http://127.0.0.1:6379', '"http://127.0.0.1:6379"'],
    ['another scheme with a password (not shown)', 'http://user:secret@127.0.0.1:6379', '"http://user:***@127.0.0.1:6379"'],
    ['a bare port', '6379', '"6379"'],
    ['a protocol-relative URL', '//127.0.0.1:6379', '"//127.0.0.1:6379"'],
  ])('createEventService - a redis URL with %s is a TypeError naming redis, before any connection', (_what, url, shown) => {
    const problem = `must be a redis:// or rediss:// URL or a Unix socket path, got ${shown}`;
    const run = () => open({ group: 'A', redis: url });
    expect(run).toThrow(TypeError);
    expect(run).toThrow(`rx-redis-events: createEventService option redis ${problem}`);
    expect(() => open({ group: 'A', redis: { url } })).toThrow(`rx-redis-events: createEventService option redis .url ${problem}`);
    expect(services).toEqual([]);
  });

  it('createEventService - with neither redis nor broker it runs in memory, and health() always warns memory-broker', async () => {
    const service = open({ group: 'A' });
    expect(await service.health()).toEqual({ connection: 'ready', server: 'memory', consumers: [], listeners: [], warnings: [MEMORY_BROKER] });
    expect(await service.health()).toEqual({ connection: 'ready', server: 'memory', consumers: [], listeners: [], warnings: [MEMORY_BROKER] });
    const brokerUnset = open({ group: 'B', broker: undefined });
    expect((await brokerUnset.health()).warnings).toEqual([MEMORY_BROKER]);
  });

  it('createEventService - on a broker given it has no memory-broker warning (that broker was asked for)', async () => {
    expect((await open({ group: 'A', broker: new MemoryBroker() }).health()).warnings).toEqual([]);
  });
});
