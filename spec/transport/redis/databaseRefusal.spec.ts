import { Redis } from 'ioredis';
import { firstValueFrom } from 'rxjs';
import { createEventService, eventStream, TransportError, type EventService } from '../../../src';
import { uniqueName } from '../../conformance/helpers';
import { createAclUser } from '../../support/acl';
import { useRedisServer } from '../../support/useRedisServer';

/** What `error` is, as the specs compare it. */
function shape(error: unknown) {
  const { name, code, retriable, message, server } = error as TransportError;
  return { name, code, retriable, message, server };
}

describe('redis transport - a database the server refuses to SELECT', () => {
  const redis = useRedisServer(); // 16 databases, redis-server's default
  const services: EventService[] = [];
  afterEach(() => Promise.all(services.splice(0).map((service) => service.close())));

  /** Runs `ready()`, `produce` and `consume` on `url`; resolves with their errors, what onError got, and whether anything landed in db 0. */
  async function tryEverything(url: string, prefix = `${uniqueName('database')}:`) {
    const reported: unknown[] = [];
    const service = createEventService({ group: 'billing', redis: url, prefix, closeTimeoutMs: 300, onError: (error) => reported.push(error) });
    services.push(service);
    const stream = eventStream<number>('orders');
    // produce first, queued before the connection is up: it must not be sent to database 0 meanwhile
    const produced = await service.produce(stream, 1).catch((error: unknown) => error);
    const ready = await service.ready().catch((error: unknown) => error);
    const consumed = await firstValueFrom(service.consume(stream)).catch((error: unknown) => error);
    const keysInDb0 = await redis.admin.keys(`${prefix}*`);
    return { ready, produced, consumed, reported, keysInDb0 };
  }

  it('SELECT 99 on a 16-database server - ready(), produce and consume fail naming the database, code DATABASE, and nothing is written to db 0', async () => {
    const { ready, produced, consumed, reported, keysInDb0 } = await tryEverything(`${redis.server.url}/99`);
    const refusal = 'the server refused to select database 99 (SELECT 99: ERR DB index is out of range); nothing was read or written in another database';
    const server = `127.0.0.1:${redis.server.port}`;
    const expected = (operation: string) => ({ name: 'TransportError', code: 'DATABASE', retriable: false, message: `the broker at ${server} failed during ${operation}: ${refusal}`, server });
    expect([ready, produced, consumed].map(shape)).toEqual([expected('connect'), expected('append'), expected('ensureGroup')]);
    expect(((ready as TransportError).cause as Error).message).toBe(refusal);
    expect(reported).toEqual([]); // not retried: the consumer's subscription ends with the error
    expect(keysInDb0).toEqual([]);
  });

  it('an ACL user denied SELECT - ready(), produce and consume fail naming the database, code DATABASE, and nothing is written to db 0', async () => {
    const prefix = `${uniqueName('select-denied')}:`;
    const url = await createAclUser(redis.admin, { user: uniqueName('no-select'), password: 'pw', prefix }, redis.server.url);
    // the user may write under its prefix in db 0, so a fall-back to db 0 would land there
    const { ready, produced, consumed, keysInDb0 } = await tryEverything(`${url}/1`, prefix);
    const server = `127.0.0.1:${redis.server.port}`;
    // the server's own words for the refusal (Redis 7.0 says "this user", 7.2 names the user)
    const asUser = new Redis(url, { lazyConnect: true, disableClientInfo: true });
    const reply = await asUser.connect().then(() => asUser.select(1)).catch((error: Error) => error.message);
    asUser.disconnect();
    expect(reply).toMatch(/^NOPERM .*'select' command$/);
    const shapes = [ready, produced, consumed].map(shape);
    expect(shapes.map(({ code, retriable, server: named }) => ({ code, retriable, server: named }))).toEqual([0, 1, 2].map(() => ({ code: 'DATABASE', retriable: false, server })));
    expect(shapes.map(({ message }) => message)).toEqual(
      ['connect', 'append', 'ensureGroup'].map((operation) => `the broker at ${server} failed during ${operation}: the server refused to select database 1 (SELECT 1: ${reply}); nothing was read or written in another database`),
    );
    expect(keysInDb0).toEqual([]);
  });

  it('a database the server has - ready() resolves and produce writes there, not to db 0', async () => {
    const prefix = `${uniqueName('database')}:`;
    const service = createEventService({ group: 'billing', redis: `${redis.server.url}/3`, prefix, closeTimeoutMs: 300 });
    services.push(service);
    await service.ready();
    await service.produce(eventStream<number>('orders'), 1);
    expect(await redis.admin.keys(`${prefix}*`)).toEqual([]);
    const db3 = redis.admin.duplicate({ db: 3 });
    try {
      expect(await db3.xlen(`${prefix}orders`)).toBe(1);
    } finally {
      await db3.quit();
    }
  });
});
