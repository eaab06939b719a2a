import { createServer } from 'node:net';
import { autoAck, createEventService, eventStream, TimeoutError, TransportError, type EventService, type InstrumentationEvent } from '../../src';
import { uniqueName } from '../conformance/helpers';
import { eventually, sleep } from '../support/eventually';
import { useRedisServer } from '../support/useRedisServer';

/** A loopback port nothing listens on (bound a moment ago, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** What `error` is, as the specs compare it: class, code, message and its cause's code and message. */
function shape(error: unknown) {
  const { name, code, message, server, cause } = error as TransportError & { cause?: NodeJS.ErrnoException };
  return { name, code, message, server, cause: { code: cause?.code, message: cause?.message } };
}

describe('EventService - a server that cannot be reached (a closed port)', () => {
  const services: EventService[] = [];
  let port: number;
  const open = (options: Partial<Parameters<typeof createEventService>[0]> = {}) => {
    const service = createEventService({ group: 'billing', redis: `redis://127.0.0.1:${port}`, prefix: `${uniqueName('unreachable')}:`, onError: () => undefined, ...options });
    services.push(service);
    return service;
  };
  beforeAll(async () => {
    port = await closedPort();
  });
  afterEach(() => Promise.all(services.splice(0).map((service) => service.close())));

  it('ready - rejects within connectTimeoutMs with a TransportError CONNECTION naming the server, the ECONNREFUSED as its cause', async () => {
    const service = open({ connectTimeoutMs: 300 });
    const started = Date.now();
    const refused = await service.ready().catch((error: unknown) => error);
    const tookMs = Date.now() - started;
    expect(refused).toBeInstanceOf(TransportError);
    expect(shape(refused)).toEqual({
      name: 'TransportError',
      code: 'CONNECTION',
      message: `the broker at 127.0.0.1:${port} failed during connect: connect ECONNREFUSED 127.0.0.1:${port}`,
      server: `127.0.0.1:${port}`,
      cause: { code: 'ECONNREFUSED', message: `connect ECONNREFUSED 127.0.0.1:${port}` },
    });
    expect((refused as TransportError).retriable).toBe(true);
    expect(tookMs).toBeGreaterThanOrEqual(290);
    expect(tookMs).toBeLessThan(1500);
  });

  it('ready - with connectTimeoutMs Infinity it waits as long as it takes: still pending after 300 ms, rejected by nothing but a fatal error', async () => {
    const service = open({ connectTimeoutMs: Infinity });
    let outcome = 'pending';
    service.ready().then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = `rejected: ${(error as Error).message}`),
    );
    await sleep(300);
    expect(outcome).toBe('pending');
  });

  it('ready - the password of the URL is never in the message', async () => {
    const service = open({ redis: `redis://user:s3cret@127.0.0.1:${port}`, connectTimeoutMs: 100 });
    const refused = (await service.ready().catch((error: unknown) => error)) as TransportError;
    expect(refused.message).toBe(`the broker at 127.0.0.1:${port} failed during connect: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('produce - the TimeoutError names the server and carries the last connection error as its cause', async () => {
    const service = open({ produceTimeoutMs: 300 });
    const timedOut = await service.produce(eventStream<number>('orders'), 1).catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(shape(timedOut)).toEqual({
      name: 'TimeoutError',
      code: undefined,
      message: `produce to "orders" got no answer from the broker at 127.0.0.1:${port} within 300 ms (not connected: connect ECONNREFUSED 127.0.0.1:${port}); it may still be written, so a retry can duplicate it`,
      server: `127.0.0.1:${port}`,
      cause: { code: 'ECONNREFUSED', message: `connect ECONNREFUSED 127.0.0.1:${port}` },
    });
  });

  it('consume - the lost connection is reported once (onError and connection.lost), not at every retry; the error names the server', async () => {
    const reported: unknown[] = [];
    const events: InstrumentationEvent[] = [];
    // ioredis gives a command up after each failed reconnect here, so the loop retries about every 100 ms
    const service = open({ redis: { url: `redis://127.0.0.1:${port}`, retryStrategy: () => 20, maxRetriesPerRequest: 0 }, onError: (error) => reported.push(error) });
    const watching = service.instrumentation$.subscribe((event) => events.push(event));
    const subscription = service.consume(eventStream<number>('orders')).subscribe();
    try {
      await eventually('a report', () => reported.length > 0);
      await sleep(1500);
      expect(reported.map(shape)).toEqual([
        {
          name: 'TransportError',
          code: 'CONNECTION',
          message: `the broker at 127.0.0.1:${port} failed during ensureGroup: connect ECONNREFUSED 127.0.0.1:${port}`,
          server: `127.0.0.1:${port}`,
          cause: { code: 'ECONNREFUSED', message: `connect ECONNREFUSED 127.0.0.1:${port}` },
        },
      ]);
      // the consumer opens no other connection before its group exists (its reader and the schedule's wakes wait for it)
      const lost = events.filter((event) => event.type.startsWith('connection.')).map((event) => [event.type, 'connection' in event ? event.connection : undefined]);
      expect(lost).toEqual([['connection.lost', 'command']]);
      expect(events.filter((event) => event.type === 'service.error')).toHaveLength(1);
    } finally {
      subscription.unsubscribe();
      watching.unsubscribe();
    }
  });

  it('close - with a consumer and nothing in flight it returns within 1 s (default closeTimeoutMs)', async () => {
    const service = open();
    const subscription = service.consume(eventStream<number>('orders')).subscribe();
    await sleep(300);
    const started = Date.now();
    await service.close();
    subscription.unsubscribe();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('EventService - ready() and connectTimeoutMs', () => {
  it('ready - on the in-memory broker it resolves at once', async () => {
    const service = createEventService({ group: 'billing', closeTimeoutMs: 10 });
    try {
      await expect(service.ready()).resolves.toBeUndefined();
    } finally {
      await service.close();
    }
  });

  it.each([0, -1, Number.NaN, '100'])('connectTimeoutMs - %p is a RangeError naming the option', (value) => {
    expect(() => createEventService({ group: 'billing', connectTimeoutMs: value as number })).toThrow(
      `rx-redis-events: createEventService option connectTimeoutMs must be a number of milliseconds between 1 and 2147483647, or Infinity, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    );
  });
});

describe('EventService - a server that refuses the credentials, a host that does not exist, an outage that comes back', () => {
  const redis = useRedisServer({ persistent: true }); // a restart keeps the group
  const services: EventService[] = [];
  const open = (options: Partial<Parameters<typeof createEventService>[0]>) => {
    const service = createEventService({ group: 'billing', prefix: `${uniqueName('outage')}:`, onError: () => undefined, closeTimeoutMs: 300, ...options });
    services.push(service);
    return service;
  };
  afterEach(() => Promise.all(services.splice(0).map((service) => service.close())));

  it('ready - a wrong password rejects at once (not after connectTimeoutMs), code WRONGPASS, not retriable, naming the server', async () => {
    const user = uniqueName('billing');
    await redis.admin.acl('SETUSER', user, 'on', '>right', '~*', '+@all');
    const service = open({ redis: `redis://${user}:wrong@127.0.0.1:${redis.server.port}`, connectTimeoutMs: 10_000 });
    const started = Date.now();
    const refused = (await service.ready().catch((error: unknown) => error)) as TransportError;
    expect(Date.now() - started).toBeLessThan(2000);
    expect({ name: refused.name, code: refused.code, retriable: refused.retriable, server: refused.server, start: refused.message.split(': WRONGPASS')[0] }).toEqual({
      name: 'TransportError',
      code: 'WRONGPASS',
      retriable: false,
      server: `127.0.0.1:${redis.server.port}`,
      start: `the broker at 127.0.0.1:${redis.server.port} failed during connect`,
    });
    expect((refused.cause as Error).message).toMatch(/^WRONGPASS /);
  });

  it('ready - a host that does not exist rejects within connectTimeoutMs, code CONNECTION, ENOTFOUND as its cause', async () => {
    const service = open({ redis: 'redis://no-such-host.invalid:6379', connectTimeoutMs: 1500 });
    const refused = (await service.ready().catch((error: unknown) => error)) as TransportError;
    expect(shape(refused)).toEqual({
      name: 'TransportError',
      code: 'CONNECTION',
      message: 'the broker at no-such-host.invalid:6379 failed during connect: getaddrinfo ENOTFOUND no-such-host.invalid',
      server: 'no-such-host.invalid:6379',
      cause: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND no-such-host.invalid' },
    });
  });

  it('consume - each outage is reported once: lost, restored, then lost again gives two reports and two connection.lost', async () => {
    const reported: unknown[] = [];
    const events: string[] = [];
    const service = open({ redis: { url: redis.server.url, retryStrategy: () => 50, maxRetriesPerRequest: 0 }, onError: (error) => reported.push(error) });
    const watching = service.instrumentation$.subscribe((event) => event.type.startsWith('connection.') && events.push(`${event.type} ${'connection' in event ? event.connection : ''}`));
    const orders = eventStream<number>('orders');
    const consumed: number[] = [];
    const subscription = service.consume(orders).pipe(autoAck()).subscribe((delivery) => consumed.push(delivery.value));
    try {
      await service.ready();
      await sleep(300); // the consumer's group is made
      for (const outage of [1, 2]) {
        // the consumer reads again (after an outage, once its retry has come): its read is what meets the next one
        await service.produce(orders, outage);
        await eventually(`event ${outage} consumed`, () => consumed.length === outage, { timeoutMs: 15_000 });
        await redis.server.kill();
        await eventually(`report ${outage}`, () => reported.length >= outage, { timeoutMs: 10_000 });
        await sleep(1000);
        expect(reported.map((error) => (error as Error).message)).toHaveLength(outage);
        await redis.server.restart();
        await eventually(`restored ${outage}`, () => events.filter((event) => event === 'connection.restored command').length === outage, { timeoutMs: 10_000 });
      }
      const server = `127.0.0.1:${redis.server.port}`;
      expect(reported.map((error) => [(error as TransportError).code, (error as TransportError).server, (error as Error).message.startsWith(`the broker at ${server} failed during `)])).toEqual([
        ['CONNECTION', server, true],
        ['CONNECTION', server, true],
      ]);
      expect(events.filter((event) => event.endsWith(' command'))).toEqual(['connection.lost command', 'connection.restored command', 'connection.lost command', 'connection.restored command']);
      expect(consumed).toEqual([1, 2]);
    } finally {
      subscription.unsubscribe();
      watching.unsubscribe();
    }
  });
});
