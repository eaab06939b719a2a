import { map, switchMap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createEventService, eventStream, MemoryBroker } from 'rx-redis-events';
import { MOVE_GAP_MS } from '../../src/scheduling/ScheduledMover';

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
