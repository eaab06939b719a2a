import { createServer } from 'node:net';
import { createEventService, eventStream, TimeoutError, TransportError, type EventService, type InstrumentationEvent } from '../../src';
import { uniqueName } from '../conformance/helpers';
import { eventually, sleep } from '../support/eventually';

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
      // the consumer's pub/sub connection (it follows the stream's schedule channel) is lost as well, reported once too
      const lost = events.filter((event) => event.type.startsWith('connection.')).map((event) => [event.type, 'connection' in event ? event.connection : undefined]);
      expect(lost.sort()).toEqual([['connection.lost', 'command'], ['connection.lost', 'subscriber']]);
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
