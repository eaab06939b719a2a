import { firstValueFrom, take, tap, toArray } from 'rxjs';
import {
  broadcastStream,
  createEventService,
  DEFAULT_IDEMPOTENCY_WINDOW_MS,
  EncodeError,
  eventStream,
  forwardTo,
  MemoryBroker,
  ServiceClosedError,
  type ConsumeOptions,
  type EventServiceOptions,
} from '../../src';
import { useMemoryServices } from '../support/useMemoryServices';

function expectThrow(run: () => unknown, type: typeof TypeError | typeof RangeError, message: string): void {
  expect(run).toThrow(type);
  expect(run).toThrow(message);
}

describe.each([
  { what: 'eventStream', define: (name: unknown) => eventStream(name as string) },
  { what: 'broadcastStream', define: (name: unknown) => broadcastStream(name as string) },
])('validation - $what name', ({ what, define }) => {
  it.each<[string, unknown, string]>([
    ['empty', '', 'must be a non-empty string, got ""'],
    ['blank', '   ', 'must be a non-empty string, got "   "'],
    ['a number', 42, 'must be a non-empty string, got 42'],
    ['undefined', undefined, 'must be a non-empty string, got undefined'],
    ['with a newline', 'a\nb', 'must not contain control characters, got "a\\nb"'],
    ['with DEL', 'a\u007fb', 'must not contain control characters'],
    ['257 characters long', 'x'.repeat(257), 'must be at most 256 characters, got 257'],
  ])(`validation - ${what}(%s) throws a TypeError naming it`, (_label, name, problem) => {
    expectThrow(() => define(name), TypeError, `rx-redis-events: ${what} name ${problem}`);
  });

  it(`validation - ${what} accepts a 256-character name`, () => {
    expect(define('x'.repeat(256)).name).toBe('x'.repeat(256));
  });
});

/** Names every kind of name refuses, with the problem the TypeError states. */
const badCharacters: [string, string, string][] = [
  ['a space', 'jobs started', 'must not contain whitespace, got "jobs started"'],
  ['a leading space', ' jobs', 'must not contain whitespace'],
  ['a no-break space', 'jobs\u00a0started', 'must not contain whitespace'],
  ['a tab', 'jobs\tstarted', 'must not contain control characters'],
  ['an opening brace', 'jobs{1', 'must not contain "{" or "}" (Redis Cluster hash tags), got "jobs{1"'],
  ['a hash tag', '{jobs}.started', 'must not contain "{" or "}" (Redis Cluster hash tags)'],
  ['a star', 'jobs.*', 'must not contain glob characters *, ?, [, ] or \\ (they would break ACL key patterns), got "jobs.*"'],
  ['a question mark', 'jobs?', 'must not contain glob characters'],
  ['brackets', 'jobs[1]', 'must not contain glob characters'],
  ['a closing bracket', 'jobs]', 'must not contain glob characters'],
  ['a backslash', 'jobs\\x', 'must not contain glob characters'],
];

/** Names that look unusual but are fine everywhere. */
const goodNames = ['jobs.started', 'jobs:started', 'jobs-started_1', 'jobs/started', 'jöbs#1', 'ジョブ', 'a', 'dlq', 'jobs:dlq2', 'jobs.dlq'];

describe.each([
  { what: 'eventStream name', define: (name: string) => eventStream(name).name },
  { what: 'broadcastStream name', define: (name: string) => broadcastStream(name).name },
  { what: 'createEventService option group', define: (name: string) => createEventService({ group: name }).group },
  { what: 'createEventService option consumer', define: (name: string) => createEventService({ group: 'g', consumer: name }).consumer },
])('validation - characters of a $what', ({ what, define }) => {
  it.each(badCharacters)(`validation - ${what} with %s throws a TypeError naming the problem`, (_label, name, problem) => {
    expectThrow(() => define(name), TypeError, `rx-redis-events: ${what} ${problem}`);
  });

  it.each(goodNames)(`validation - ${what} %p is accepted`, (name) => {
    expect(define(name)).toBe(name);
  });
});

describe('validation - idempotency keys and forwardTo', () => {
  it('validation - eventStream option idempotency needs a key function and a window of at least 1 ms', () => {
    const bad = { key: 'orderId' } as unknown as { key: (value: unknown) => string };
    expectThrow(() => eventStream('orders', { idempotency: bad }), TypeError, 'rx-redis-events: eventStream("orders") option idempotency must be { key: (value) => string, windowMs? }');
    expectThrow(() => eventStream('orders', { idempotency: { key: String, windowMs: 0 } }), RangeError, 'rx-redis-events: eventStream("orders") idempotency.windowMs must be a number of milliseconds between 1 and 2147483647, got 0');
    expect(eventStream('orders', { idempotency: { key: String } }).idempotency?.windowMs).toBe(DEFAULT_IDEMPOTENCY_WINDOW_MS);
  });

  it('validation - forwardTo needs a project function and a window of at least 1 ms', () => {
    const service = createEventService({ group: 'g' });
    const target = eventStream<number>('target');
    expectThrow(() => forwardTo(service, target, 'x' as unknown as () => number), TypeError, 'rx-redis-events: forwardTo project must be a function (value, delivery) => event | event[] | undefined');
    expectThrow(() => forwardTo(service, target, undefined, { windowMs: -1 }), RangeError, 'rx-redis-events: forwardTo option windowMs must be a number of milliseconds between 1 and 2147483647, got -1');
    void service.close();
  });
});

describe('validation - dead-letter suffix', () => {
  it.each(['jobs:dlq', 'a:b:dlq', ':dlq'])('validation - eventStream(%p) throws: it collides with a dead-letter stream', (name) => {
    expectThrow(() => eventStream(name), TypeError, `rx-redis-events: eventStream name must not end with ":dlq" (the dead-letter stream of "${name.slice(0, -4)}" has that key), got ${JSON.stringify(name)}`);
  });

  it('validation - a broadcast channel, a group and a consumer may end with :dlq (no dead-letter stream there)', () => {
    expect(broadcastStream('jobs:dlq').name).toBe('jobs:dlq');
    expect(createEventService({ group: 'g:dlq', consumer: 'c:dlq' })).toMatchObject({ group: 'g:dlq', consumer: 'c:dlq' });
  });
});

describe('validation - prefix', () => {
  it.each([[''], ['app:'], ['app:v2:'], ['example:1700000000000:'], ['tenant-7/'], ['x'.repeat(256)]])('validation - prefix %p is accepted', (prefix) => {
    expect(() => createEventService({ group: 'g', prefix })).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    ['a number', 7, 'must be a string, got 7'],
    ['null', null, 'must be a string, got null'],
    ['257 characters', 'x'.repeat(257), 'must be at most 256 characters, got 257'],
    ['a newline', 'app:\n', 'must not contain control characters'],
    ['a space', 'my app:', 'must not contain whitespace, got "my app:"'],
    ['a hash tag', '{app}:', 'must not contain "{" or "}" (Redis Cluster hash tags)'],
    ['a star', 'app*:', 'must not contain glob characters'],
    ['a question mark', 'app?:', 'must not contain glob characters'],
    ['brackets', 'app[1]:', 'must not contain glob characters'],
    ['a backslash', 'app\\:', 'must not contain glob characters'],
  ])('validation - prefix with %s throws a TypeError', (_label, prefix, problem) => {
    expectThrow(() => createEventService({ group: 'g', prefix: prefix as string }), TypeError, `rx-redis-events: createEventService option prefix ${problem}`);
  });
});

describe('validation - createEventService', () => {
  it.each<[string, unknown, typeof TypeError | typeof RangeError, string]>([
    ['no options', undefined, TypeError, 'createEventService needs an options object with at least { group }'],
    ['no group', {}, TypeError, 'createEventService option group must be a non-empty string, got undefined'],
    ['redis and broker', { group: 'g', redis: 'redis://x', broker: new MemoryBroker() }, TypeError, 'takes either redis or broker, not both'],
    ['an empty redis URL', { group: 'g', redis: '' }, TypeError, 'option redis must be a URL, ioredis options or an ioredis client, got ""'],
    ['a numeric redis', { group: 'g', redis: 6379 as unknown as string }, TypeError, 'option redis must be a URL, ioredis options or an ioredis client, got 6379'],
    ['a broker that is not a MemoryBroker', { group: 'g', broker: {} }, TypeError, 'createEventService option broker must be a MemoryBroker'],
    ['an empty consumer', { group: 'g', consumer: '' }, TypeError, 'createEventService option consumer must be a non-empty string'],
    ['closeTimeoutMs -1', { group: 'g', closeTimeoutMs: -1 }, RangeError, 'createEventService option closeTimeoutMs must be a number of milliseconds between 0 and 2147483647, got -1'],
    ['consumerExpiryMs 0', { group: 'g', consumerExpiryMs: 0 }, RangeError, 'createEventService option consumerExpiryMs must be a number of milliseconds between 1 and 2147483647, got 0'],
    ['maxMessageBytes 0', { group: 'g', maxMessageBytes: 0 }, RangeError, 'createEventService option maxMessageBytes must be an integer between 1 and 536870912, got 0'],
    ['maxMessageBytes 1.5', { group: 'g', maxMessageBytes: 1.5 }, RangeError, 'createEventService option maxMessageBytes must be an integer between 1 and 536870912, got 1.5'],
    ['maxMessageBytes above 512 MiB', { group: 'g', maxMessageBytes: 536870913 }, RangeError, 'createEventService option maxMessageBytes must be an integer between 1 and 536870912, got 536870913'],
    ['maxMessageBytes as a string', { group: 'g', maxMessageBytes: '1024' }, RangeError, 'createEventService option maxMessageBytes must be an integer between 1 and 536870912, got "1024"'],
  ])('validation - createEventService with %s throws', (_label, options, type, message) => {
    expectThrow(() => createEventService(options as EventServiceOptions), type, message);
  });
});

describe('validation - EventService', () => {
  const Orders = eventStream<{ n: number; cb?: () => void }>('orders');
  const open = useMemoryServices();

  it.each<[ConsumeOptions, typeof TypeError | typeof RangeError, string]>([
    [{ maxInFlight: 0 }, RangeError, 'consume option maxInFlight must be an integer between 1 and 10000, got 0'],
    [{ from: 'middle' }, TypeError, `consume option from must be 'new', 'start', a Date or an entry id such as 1700000000000-0, got "middle"`],
    [{ blockMs: 0 }, RangeError, 'consume option blockMs must be a number of milliseconds between 1 and 2147483647, got 0'],
    [{ claimIdleAfterMs: -5 }, RangeError, 'consume option claimIdleAfterMs must be a number of milliseconds between 1 and 2147483647, or Infinity, got -5'],
    [{ maxHandlingMs: 0 }, RangeError, 'consume option maxHandlingMs must be a number of milliseconds between 1 and 2147483647, or Infinity, got 0'],
  ])('validation - consume(stream, %p) throws at the call', (options, type, message) => {
    const service = open();
    expectThrow(() => service.consume(Orders, options), type, message);
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'consume options must be an object, got null'],
    ['a string', 'abc', 'consume options must be an object, got string'],
  ])('validation - consume(stream, %s) throws a TypeError naming the options', (_label, options, message) => {
    const service = open();
    expectThrow(() => service.consume(Orders, options as ConsumeOptions), TypeError, message);
  });

  it.each<[string, unknown, string]>([
    ['{}', {}, 'consume() needs an eventStream(...) definition, got object'],
    ['a broadcastStream', broadcastStream('orders'), 'consume() needs an eventStream(...) definition, got a broadcastStream'],
  ])('validation - consume(%s) throws a TypeError', (_label, stream, message) => {
    const service = open();
    expectThrow(() => service.consume(stream as typeof Orders), TypeError, message);
  });

  it.each<[string, () => unknown, typeof TypeError | typeof RangeError, string]>([
    ['moveGroup without options', () => open().moveGroup(Orders, undefined as never), TypeError, 'rx-redis-events: moveGroup needs options { to, group? }'],
    ['moveGroup to an invalid Date', () => open().moveGroup(Orders, { to: new Date('x') }), TypeError, "rx-redis-events: moveGroup option to must be 'start', 'end', a Date or an entry id such as 1700000000000-0, got an invalid Date"],
    ['moveGroup of an empty group', () => open().moveGroup(Orders, { to: 'end', group: '' }), TypeError, 'rx-redis-events: moveGroup option group must be a non-empty string, got ""'],
    ['removeGroup without a group', () => open().removeGroup(Orders, undefined as never), TypeError, 'rx-redis-events: removeGroup group must be a non-empty string, got undefined'],
    ['removeGroup with force "yes"', () => open().removeGroup(Orders, 'G', { force: 'yes' as never }), TypeError, 'rx-redis-events: removeGroup option force must be a boolean, got string'],
    ['history with pageSize 10001', () => open().history(Orders, { pageSize: 10_001 }), RangeError, 'rx-redis-events: history option pageSize must be an integer between 1 and 10000, got 10001'],
  ])('validation - %s is refused naming the option', async (_label, call, type, message) => {
    let thrown: unknown;
    try {
      await call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as Error).message).toBe(message);
  });

  it('validation - after close(), produce rejects and consume errors with ServiceClosedError', async () => {
    const service = open();
    await service.close();
    const produced = service.produce(Orders, { n: 1 });
    await expect(produced).rejects.toBeInstanceOf(ServiceClosedError);
    await expect(produced).rejects.toMatchObject({ method: 'produce' });
    const consumed = firstValueFrom(service.consume(Orders));
    await expect(consumed).rejects.toBeInstanceOf(ServiceClosedError);
    await expect(consumed).rejects.toMatchObject({ method: 'consume' });
  });

  it('validation - produce of an unencodable value rejects with EncodeError naming the stream and writes nothing', async () => {
    const service = open();
    const single = service.produce(Orders, { n: 1, cb: () => undefined });
    await expect(single).rejects.toBeInstanceOf(EncodeError);
    await expect(single).rejects.toMatchObject({ stream: 'orders', path: 'value.cb' });
    await expect(service.produce(Orders, { n: 2 }, { n: 3, cb: () => undefined })).rejects.toMatchObject({ stream: 'orders', path: 'value.cb' });
    const [id] = await service.produce(Orders, { n: 4 });
    const first = service.consume(Orders, { from: 'start' }).pipe(take(1), tap((delivery) => void delivery.ack()), toArray());
    const stored = (await firstValueFrom(first)).map((delivery) => ({ id: delivery.id, value: delivery.value }));
    expect(stored).toStrictEqual([{ id, value: { n: 4 } }]); // the first entry of the stream is the valid one
  });
});
