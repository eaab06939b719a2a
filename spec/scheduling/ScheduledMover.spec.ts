import { map, switchMap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createEventService, eventStream, MemoryBroker } from 'rx-redis-events';
import { scheduleWakeKeyOf } from '../../src/partitions/streamLayout';
import { MOVE_GAP_MS } from '../../src/scheduling/ScheduledMover';
import { uniqueName } from '../conformance/helpers';
import { eventually } from '../support/eventually';
import { useRedisServer } from '../support/useRedisServer';

/** Scheduled events on the memory broker in virtual time: each arrives in the frame it is due (or MOVE_GAP_MS after the last move that appended). */
describe('ScheduledMover - virtual time on the memory broker', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });
  const setUp = () => {
    const broker = new MemoryBroker({ scheduler: testScheduler });
    return (group: string) => createEventService({ group, consumer: group, broker, scheduler: testScheduler });
  };
  const Reminders = eventStream<string>('reminders');
  const Partitioned = eventStream<string>('partitioned', { partitions: 4 });

  it('ScheduledMover - an event scheduled with { delayMs: 5 } is delivered at frame 5, one for a Date at frame 1000 at 1000', () => {
    testScheduler.run(({ expectObservable }) => {
      const service = setUp()('mailer');
      void service.schedule(Reminders, { delayMs: 5 }, 'soon');
      void service.schedule(Reminders, new Date(1000), 'at 1000');
      const seen = service.consume(Reminders).pipe(map((d) => (void d.ack(), d.value)));
      expectObservable(seen, '^ 1999ms !').toBe('-----a 994ms b', { a: 'soon', b: 'at 1000' });
    });
  });

  it('ScheduledMover - unschedule before its frame: the event never arrives, the other arrives at its frame', async () => {
    const service = setUp()('mailer');
    // outside run(): the ids are known once the promises resolve, before the frames are flushed
    const [cancelled] = await service.schedule(Reminders, { delayMs: 10 }, 'cancelled');
    await service.schedule(Reminders, { delayMs: 20 }, 'kept');
    expect(await service.unschedule(Reminders, cancelled as string)).toBe(true);
    const seen: [number, string][] = [];
    const subscription = service.consume(Reminders).subscribe((d) => (void d.ack(), seen.push([testScheduler.now(), d.value])));
    testScheduler.maxFrames = 200;
    testScheduler.flush();
    subscription.unsubscribe();
    expect(seen).toEqual([[20, 'kept']]);
  });

  it('ScheduledMover - an earlier event scheduled by another instance wakes the consuming instance: it arrives at its own frame', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const service = setUp();
      const producer = service('producer');
      const consumer = service('mailer');
      void producer.schedule(Partitioned, { delayMs: 100 }, 'late');
      // at frame 10, due at 30: earlier than the mover's timer (100), so its wake (read with the partition) wakes the mover
      cold('----------x').subscribe(() => void producer.schedule(Partitioned, { delayMs: 20 }, 'early'));
      const seen = consumer.consume(Partitioned).pipe(map((d) => (void d.ack(), d.value)));
      expectObservable(seen, '^ 199ms !').toBe('30ms e 69ms l', { e: 'early', l: 'late' });
    });
  });

  it('ScheduledMover - an instance that stops hands its wait over: its wake reached only it, and another instance of the group moves the event at its frame', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const broker = new MemoryBroker({ scheduler: testScheduler });
      const instance = (consumer: string) => createEventService({ group: 'mailer', consumer, broker, scheduler: testScheduler });
      const [producer, first, second] = [instance('producer'), instance('first'), instance('second')];
      // the first subscribed reads first: the wake of frame 10 reaches it, and only it
      const stopping = first.consume(Reminders).subscribe((d) => void d.ack());
      const seen = second.consume(Reminders).pipe(map((d) => (void d.ack(), d.value)));
      cold('10ms x').subscribe(() => void producer.schedule(Reminders, { delayMs: 100 }, 'later'));
      // at frame 20 it stops while 'later' waits: the wake it appends reaches the second, whose mover waits for frame 110
      cold('20ms x').subscribe(() => stopping.unsubscribe());
      expectObservable(seen, '^ 199ms !').toBe('110ms l', { l: 'later' });
    });
  });

  it(`ScheduledMover - events due one right after another are moved in batches: the next move comes ${MOVE_GAP_MS} frames after one that appended`, () => {
    testScheduler.run(({ expectObservable }) => {
      const service = setUp()('mailer');
      void service.schedule(Reminders, { delayMs: 5 }, 'a');
      void service.schedule(Reminders, { delayMs: 6 }, 'b');
      void service.schedule(Reminders, { delayMs: 30 }, 'c');
      void service.schedule(Reminders, { delayMs: 200 }, 'd');
      const seen = service.consume(Reminders).pipe(map((d) => (void d.ack(), d.value)));
      // a at 5; b and c together at 5 + 50 = 55; d at its own time, 200
      expectObservable(seen, '^ 299ms !').toBe('5ms a 49ms (bc) 141ms d');
    });
  });

  it('ScheduledMover - retention trims after a move as after a produce: maxLength 2 (unsafeHardLimit) keeps the last 2 of the 5 moved at frame 5', async () => {
    const Capped = eventStream<string>('capped', { retention: { maxLength: 2, unsafeHardLimit: true } });
    const broker = new MemoryBroker({ scheduler: testScheduler });
    const service = createEventService({ group: 'mailer', broker, scheduler: testScheduler });
    testScheduler.run(({ expectObservable }) => {
      void service.schedule(Capped, { delayMs: 5 }, 'a', 'b', 'c', 'd', 'e');
      expectObservable(service.consume(Capped).pipe(map((d) => (void d.ack(), d.value))), '^ 99ms !').toBe('5ms (abcde)');
    });
    await service.close(); // waits for the trim
    expect(broker.existingStream('capped')?.length).toBe(2);
  });

  it('ScheduledMover - events wait while nobody consumes; a consumer starting at frame 500 gets them at 500', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const service = setUp()('mailer');
      void service.schedule(Reminders, { delayMs: 5 }, 'a', 'b');
      const seen = cold('500ms x').pipe(switchMap(() => service.consume(Reminders).pipe(map((d) => (void d.ack(), d.value)))));
      expectObservable(seen, '^ 999ms !').toBe('500ms (ab)');
    });
  });
});

/** The same hand-over on Redis, through close(): the wake reached one consumer of the group, whose service then closes. */
describe('ScheduledMover - on Redis', () => {
  const redis = useRedisServer();

  it('ScheduledMover - close() of the instance whose mover waits appends a wake: the other instance of the group moves the event when it is due', async () => {
    const prefix = `${uniqueName('handover')}:`;
    const stream = eventStream<string>('reminders');
    const instance = (consumer: string) => createEventService({ group: 'mailer', consumer, redis: redis.server.url, prefix });
    const [producer, first, second] = [instance('producer'), instance('first'), instance('second')];
    const seen: string[] = [];
    const wakeKey = scheduleWakeKeyOf(prefix + stream.name);
    const blockedReads = async () => String(await redis.admin.client('LIST')).split('\n').filter((line) => / cmd=xreadgroup\b/.test(line) && / flags=b\b/.test(line)).length;
    // the wake stream's group has delivered its last entry and holds nothing pending: the wake was read and acked
    const field = (reply: unknown[] | undefined, name: string) => reply?.[reply.indexOf(name) + 1];
    const wakeRead = async () => {
      const [group] = (await redis.admin.xinfo('GROUPS', wakeKey)) as unknown[][];
      const last = field((await redis.admin.xinfo('STREAM', wakeKey)) as unknown[], 'last-generated-id');
      return field(group, 'pending') === 0 && field(group, 'last-delivered-id') === last;
    };
    try {
      // both block on the partition and the wake stream, the first first (reads that do not time out):
      // Redis serves blocked clients in the order they blocked, so the next wake reaches the first
      const consume = (service: typeof first) => service.consume(stream, { blockMs: 60_000 }).subscribe((d) => (seen.push(d.value), void d.ack()));
      const stopping = consume(first);
      await eventually('the wake stream and its group', async () => (await redis.admin.exists(wakeKey)) === 1);
      await producer.schedule(stream, { delayMs: 1 }, 'soon'); // its wake, read by the first: the first's read covers the wake stream
      await eventually('soon, moved by the first', () => seen.length === 1);
      await eventually('the first blocked again', async () => (await blockedReads()) === 1);
      const staying = consume(second);
      await eventually('the second blocked too', async () => (await blockedReads()) === 2);
      await producer.schedule(stream, { delayMs: 1500 }, 'later');
      await eventually('the wake read', wakeRead);
      stopping.unsubscribe();
      await first.close();
      expect(seen).toEqual(['soon']);
      // its mover waited for 'later': its close appended a wake, which the second read
      await eventually('the event, moved by the second', () => seen.length === 2, { timeoutMs: 5000 });
      expect({ seen, wakes: await redis.admin.xlen(wakeKey), read: await wakeRead() }).toEqual({ seen: ['soon', 'later'], wakes: 3, read: true });
      staying.unsubscribe();
    } finally {
      await Promise.all([producer.close(), first.close(), second.close()]);
    }
  });
});
