import { firstValueFrom, VirtualTimeScheduler } from 'rxjs';
import { createEventService, eventStream } from '../../src';
import { scheduleWakeKeyOf } from '../../src/partitions/streamLayout';
import { WAKE_RETRY_MS, WakeReader } from '../../src/scheduling/WakeReader';
import { MemoryBroker } from '../../src/transport/memory/MemoryBroker';
import { MemoryStreamTransport } from '../../src/transport/memory/MemoryStreamTransport';
import { uniqueName } from '../conformance/helpers';
import { eventually } from '../support/eventually';
import { useRedisServer } from '../support/useRedisServer';

/** A wake reader on the memory broker, in virtual time: what it was woken for, what it reported, and the wake stream. */
function setUp() {
  const scheduler = new VirtualTimeScheduler();
  const broker = new MemoryBroker({ scheduler });
  const transport = new MemoryStreamTransport(broker);
  const key = scheduleWakeKeyOf('p:jobs');
  const reported: unknown[] = [];
  let woken = 0;
  const start = () => new WakeReader(key, { transport, group: 'G', consumer: 'c#1', blockMs: 2000, scheduler, report: (error) => reported.push(error) }, () => woken++);
  const wake = () => {
    const stream = broker.stream(key);
    stream.append({ w: '1' }, broker.now());
    stream.serveWaiters(broker.now());
  };
  return { scheduler, broker, transport, key, reported, start, wake, woken: () => woken };
}

describe('WakeReader - the wake stream of a partition, read with the consumer', () => {
  it('WakeReader - each read of wakes tells woken once and acks them all; a read that timed out asks again', async () => {
    const { scheduler, broker, transport, key, reported, start, wake, woken } = setUp();
    await firstValueFrom(transport.ensureGroup(key, 'G', 'new'));
    const reader = start();
    wake();
    expect(woken()).toBe(1);
    scheduler.flush(); // nothing due: the memory read waits without a timer
    wake();
    wake();
    expect(woken()).toBe(3);
    expect({ pending: broker.stream(key).pendingIds('G'), reported }).toEqual({ pending: [], reported: [] });
    reader.stop();
    wake();
    expect(woken()).toBe(3);
  });

  it(`WakeReader - without its group the read fails: not reported, and ${WAKE_RETRY_MS} ms later the group is made at new entries and read`, async () => {
    const { scheduler, broker, key, reported, start, wake, woken } = setUp();
    const reader = start();
    expect(broker.existingStream(key)?.existingGroup('G')).toBeUndefined();
    scheduler.maxFrames = WAKE_RETRY_MS;
    scheduler.flush();
    await new Promise((resolve) => setImmediate(resolve)); // the group is made, then it reads
    expect(broker.existingStream(key)?.existingGroup('G')).toBeDefined();
    wake();
    expect({ woken: woken(), reported }).toEqual({ woken: 1, reported: [] });
    reader.stop();
  });
});

describe('WakeReader - on Redis', () => {
  const redis = useRedisServer();

  it('WakeReader - removeGroup with force under a running consumer, whose read covers the wake stream: the vanished group is reported once, made again from the start (1 comes again), and the consumer goes on', async () => {
    const prefix = `${uniqueName('vanish')}:`;
    const stream = eventStream<number>('jobs');
    const reported: unknown[] = [];
    const consumer = createEventService({ group: 'G', consumer: 'c', redis: redis.server.url, prefix, onError: (error) => reported.push(error) });
    const admin = createEventService({ group: 'admin', redis: redis.server.url, prefix });
    const seen: number[] = [];
    try {
      const subscription = consumer.consume(stream).subscribe((d) => (seen.push(d.value), void d.ack()));
      await eventually('the wake stream and its group', async () => (await redis.admin.exists(scheduleWakeKeyOf(prefix + stream.name))) === 1);
      await admin.produce(stream, 1);
      await eventually('the first event', () => seen.length === 1);
      await admin.removeGroup(stream, 'G', { force: true });
      await admin.produce(stream, 2);
      await eventually('the second event', () => seen.includes(2), { timeoutMs: 5000 });
      expect(seen).toEqual([1, 1, 2]);
      expect(reported.map((error) => (error as { code?: string }).code)).toEqual(['NOGROUP']);
      // the wake stream's group is made again too, and a wake still reaches the consumer's mover
      await eventually('the wake stream group again', async () => ((await redis.admin.xinfo('GROUPS', scheduleWakeKeyOf(prefix + stream.name))) as unknown[]).length === 1, { timeoutMs: 5000 });
      await admin.schedule(stream, { delayMs: 1 }, 3);
      await eventually('the scheduled event', () => seen.includes(3), { timeoutMs: 5000 });
      expect(seen).toEqual([1, 1, 2, 3]);
      subscription.unsubscribe();
    } finally {
      await Promise.all([consumer.close(), admin.close()]);
    }
  });
});
