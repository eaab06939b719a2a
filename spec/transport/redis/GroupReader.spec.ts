import { readOf } from '../../support/readOf';
import { firstValueFrom, type Observable } from 'rxjs';
import { connectRedis } from '../../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../../src/transport/redis/RedisStreamTransport';
import type { ReadEntry } from '../../../src/transport/StreamTransport';
import { uniqueName } from '../../conformance/helpers';
import { eventually } from '../../support/eventually';
import { monitorCommands, type CommandMonitor } from '../../support/monitorCommands';
import { useRedisServer } from '../../support/useRedisServer';

/** One consumer's reads of several keys through the transport's shared blocking reader. */
describe('redis transport - one blocking reader per consumer and server', () => {
  const redis = useRedisServer();
  let transport: RedisStreamTransport;
  let monitor: CommandMonitor | undefined;

  beforeEach(async () => {
    monitor = await monitorCommands(redis.server);
    transport = new RedisStreamTransport(connectRedis(redis.server.url));
  });
  afterEach(async () => {
    monitor?.close();
    monitor = undefined;
    await transport?.close();
  });
  /** The commands the server ran in this test, each as one line. */
  const commandLines = () => (monitor?.commands ?? []).map((words) => words.join(' '));

  const keysOf = async (count: number) => {
    const base = uniqueName('g');
    const keys = Array.from({ length: count }, (_, index) => `${base}:${index}`);
    for (const key of keys) await firstValueFrom(transport.ensureGroup(key, 'G', 'new'), { defaultValue: undefined });
    return keys;
  };
  const pending = (read: Observable<ReadEntry[]>) => {
    const result: { entries?: ReadEntry[] } = {};
    const promise = firstValueFrom(read).then((entries) => (result.entries = entries));
    return { result, promise };
  };
  const reads = () => commandLines().filter((command) => command.startsWith('XREADGROUP'));
  /** CLIENT UNBLOCK calls so far (an admin command: MONITOR does not show it). */
  const unblocks = async () => Number(/cmdstat_client\|unblock:calls=(\d+)/.exec(await redis.admin.info('commandstats'))?.[1] ?? 0);

  it('reads every key of a consumer with one XREADGROUP, each read answered with its own key\'s entries', async () => {
    const keys = await keysOf(3);
    const readers = keys.map((key) => transport.openReader(key, 'G', 'c#1'));
    const waiting = readers.map((reader) => pending(readOf(reader, 10, 5000)));
    await eventually('the shared read', () => reads().length === 1);
    expect(reads()).toHaveLength(1);
    expect(reads()[0]).toMatch(new RegExp(`^XREADGROUP GROUP G c#1 COUNT 10 BLOCK 4\\d{3} STREAMS ${keys.join(' ')} > > >$`));
    await redis.admin.xadd(keys[1] as string, '1-1', 'v', 'one');
    await redis.admin.xadd(keys[2] as string, '1-2', 'v', 'two');
    await Promise.all([waiting[1]?.promise, waiting[2]?.promise]);
    expect(waiting[1]?.result.entries).toEqual([{ id: '1-1', fields: { v: 'one' }, deliveryCount: 1 }]);
    expect(waiting[2]?.result.entries).toEqual([{ id: '1-2', fields: { v: 'two' }, deliveryCount: 1 }]);
    expect(waiting[0]?.result.entries).toBeUndefined();
    readers.forEach((reader) => void reader.close());
    expect(await waiting[0]?.promise).toEqual([]);
  });

  it('closing a reader ends the read under way that covers its key, and resolves once it has answered: no later entry of the key reaches that consumer', async () => {
    const [a, b] = await keysOf(2);
    const first = transport.openReader(a as string, 'G', 'c#1');
    const other = transport.openReader(b as string, 'G', 'c#1');
    const waiting = [pending(readOf(first, 10, 5000)), pending(readOf(other, 10, 5000))];
    await eventually('the shared read', () => reads().length === 1);
    const unblocksBefore = await unblocks();
    const started = Date.now();
    await first.close();
    expect(Date.now() - started).toBeLessThan(2500); // the blocked read was ended, not waited out (BLOCK 5000)
    expect(await unblocks()).toBe(unblocksBefore + 1);
    expect(await waiting[0]?.promise).toEqual([]);
    // another consumer takes the key over (an ordered consumer's partition passing on): the next entry is its, not c#1's
    const next = transport.openReader(a as string, 'G', 'c#2');
    const taken = pending(readOf(next, 10, 5000));
    await eventually('the reads of c#1 (again, without the closed key) and c#2', () => reads().length === 3);
    await redis.admin.xadd(a as string, '1-1', 'v', 'one');
    expect(await taken.promise).toEqual([{ id: '1-1', fields: { v: 'one' }, deliveryCount: 1 }]);
    expect(await redis.admin.xpending(a as string, 'G', '-', '+', 10, 'c#1')).toEqual([]);
    await Promise.all([other.close(), next.close()]);
    expect(await waiting[1]?.promise).toEqual([]);
  });

  it('asks each key for no more than it asked for: the smallest count of those asking for at least half the largest, and the earliest deadline', async () => {
    const keys = await keysOf(2);
    const [a, b] = keys.map((key) => transport.openReader(key, 'G', 'c#1'));
    const first = pending(readOf(a!, 50, 4000));
    const second = pending(readOf(b!, 30, 3000));
    await eventually('the shared read', () => reads().length === 1);
    expect(reads()[0]).toMatch(new RegExp(`^XREADGROUP GROUP G c#1 COUNT 30 BLOCK (2\\d{3}|3000) STREAMS ${keys.join(' ')} > >$`));
    void a!.close();
    void b!.close();
    await Promise.all([first.promise, second.promise]);
  });

  it('a key asking for less than half the largest count is left out of one read that does not block, and read with all in the next', async () => {
    const keys = await keysOf(3);
    const [a, b, c] = keys.map((key) => transport.openReader(key, 'G', 'c#1'));
    const reads3 = [pending(readOf(a!, 50, 4000)), pending(readOf(b!, 40, 4000)), pending(readOf(c!, 5, 4000))];
    await eventually('the two reads', () => reads().length === 2);
    expect(reads()[0]).toBe(`XREADGROUP GROUP G c#1 COUNT 40 STREAMS ${keys[0]} ${keys[1]} > >`);
    expect(reads()[1]).toMatch(new RegExp(`^XREADGROUP GROUP G c#1 COUNT 5 BLOCK \\d+ STREAMS ${keys.join(' ')} > > >$`));
    [a, b, c].forEach((reader) => void reader!.close());
    expect(await Promise.all(reads3.map((read) => read.promise))).toEqual([[], [], []]);
  });

  it('a read of a key the blocked read does not cover ends that read (CLIENT UNBLOCK) and joins the next, at once', async () => {
    const [a, b] = (await keysOf(2)).map((key) => transport.openReader(key, 'G', 'c#1'));
    const first = pending(readOf(a!, 10, 10_000));
    await eventually('the first read', () => reads().length === 1);
    const unblocked = await unblocks();
    const started = Date.now();
    const second = pending(readOf(b!, 10, 10_000));
    await eventually('the read over both keys', () => reads().length === 2, 2000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await unblocks()) - unblocked).toBe(1);
    expect(reads()[1]).toMatch(/STREAMS \S+ \S+ > >$/);
    expect(first.result.entries).toBeUndefined(); // the first read still waits
    void a!.close();
    void b!.close();
    await Promise.all([first.promise, second.promise]);
  });

  it('an interrupt answers its read [] at once and leaves the shared read alone; entries that read brings for that key go to its next read', async () => {
    const keys = await keysOf(2);
    const [a, b] = keys.map((key) => transport.openReader(key, 'G', 'c#1'));
    const first = pending(readOf(a!, 10, 10_000));
    const other = pending(readOf(b!, 10, 10_000));
    await eventually('the shared read', () => reads().length === 1);
    const unblocked = await unblocks();
    a!.interrupt();
    expect(await first.promise).toEqual([]);
    await redis.admin.xadd(keys[0] as string, '5-1', 'v', 'kept');
    await eventually('the read over both keys to end', () => reads().length === 2);
    expect((await unblocks()) - unblocked).toBe(0);
    expect(reads()[1]).toMatch(new RegExp(`STREAMS ${keys[1]} >$`)); // the interrupted key waits for nothing now
    expect(await firstValueFrom(readOf(a!, 10, 10_000))).toEqual([{ id: '5-1', fields: { v: 'kept' }, deliveryCount: 1 }]);
    expect(reads()).toHaveLength(2); // answered from what was kept, without a read
    void a!.close();
    void b!.close();
    await other.promise;
  });

  it('entries read for a reader that closed before asking again are handed back idle, for any claim walk', async () => {
    const keys = await keysOf(2);
    const [a, b] = keys.map((key) => transport.openReader(key, 'G', 'c#1'));
    const first = pending(readOf(a!, 10, 10_000));
    const other = pending(readOf(b!, 10, 10_000));
    await eventually('the shared read', () => reads().length === 1);
    a!.interrupt();
    await first.promise;
    await redis.admin.xadd(keys[0] as string, '6-1', 'v', 'unread');
    await eventually('the read to end', () => reads().length === 2);
    void a!.close();
    await eventually('the entry handed back', () => commandLines().some((command) => command.startsWith(`XCLAIM ${keys[0]} G c#1 0 6-1 IDLE`)));
    const [[id, consumer, idle, deliveries]] = (await redis.admin.xpending(keys[0] as string, 'G', '-', '+', 10)) as [[string, string, number, number]];
    expect([id, consumer, deliveries]).toEqual(['6-1', 'c#1', 1]);
    expect(idle).toBeGreaterThan(364 * 24 * 60 * 60 * 1000);
    void b!.close();
    await other.promise;
  });

  it('a reader that closes while the shared read goes on for other keys leaves its key unread: an entry appended after goes to the next reader of the key', async () => {
    const keys = await keysOf(2);
    const [a, b] = keys.map((key) => transport.openReader(key, 'G', 'c#1'));
    const first = pending(readOf(a!, 10, 10_000));
    const other = pending(readOf(b!, 10, 10_000));
    await eventually('the shared read', () => reads().length === 1);
    await a!.close(); // as a consumer loop that stops (its partition handed over) while the shared read goes on
    expect(await first.promise).toEqual([]);
    await eventually('the shared read again, without the closed key', () => reads().length === 2);
    expect(reads()[1]).toMatch(new RegExp(`^XREADGROUP GROUP G c#1 COUNT 10 BLOCK \\d+ STREAMS ${keys[1]} >$`));
    await redis.admin.xadd(keys[0] as string, '7-1', 'v', 'late');
    // a later loop of the same consumer for that key (the partition came back) gets it as a first delivery
    const again = transport.openReader(keys[0] as string, 'G', 'c#1');
    expect(await firstValueFrom(readOf(again, 10, 2000))).toEqual([{ id: '7-1', fields: { v: 'late' }, deliveryCount: 1 }]);
    expect(commandLines().filter((command) => command.startsWith('XCLAIM'))).toEqual([]);
    await Promise.all([again.close(), b!.close()]);
    await other.promise;
  });

  it('two consumers of one group read on two connections; the last reader of a consumer closing closes its connection', async () => {
    const clients = async () => Number(/connected_clients:(\d+)/.exec(await redis.admin.info('clients'))?.[1]);
    const [key] = await keysOf(1);
    const base = await clients();
    const one = transport.openReader(key as string, 'G', 'c#1');
    const two = transport.openReader(key as string, 'G', 'c#2');
    const reads2 = [pending(readOf(one, 1, 10_000)), pending(readOf(two, 1, 10_000))];
    await eventually('two readers', async () => (await clients()) === base + 2);
    void one.close();
    await eventually('one reader', async () => (await clients()) === base + 1);
    void two.close();
    await eventually('no reader', async () => (await clients()) === base);
    expect(await Promise.all(reads2.map((read) => read.promise))).toEqual([[], []]);
  });
});
