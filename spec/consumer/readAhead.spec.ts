import { firstValueFrom, take, tap, toArray, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { eventStream, MemoryBroker } from '../../src';
import { EventService } from '../../src/service/EventService';
import { eventServiceOptionsWithDefaults } from '../../src/service/eventServiceOptions';
import { MemoryPubSubTransport } from '../../src/transport/memory/MemoryPubSubTransport';
import { MemoryStreamTransport } from '../../src/transport/memory/MemoryStreamTransport';

const Jobs = eventStream<{ n: number }>('jobs');

/** What the loop asked of the memory transport: each read's count (the loop reads through `request`; the reads of the stream's wake stream of scheduled events are left out), and each ack call's ids. */
interface TransportLog {
  readonly reads: number[];
  readonly acks: number[];
}

/** A service on the memory transport as it is; the transport's reads and acks are only recorded on their way through. */
function memoryService(broker: MemoryBroker, scheduler: SchedulerLike | undefined, log: TransportLog): EventService {
  const streams = new MemoryStreamTransport(broker);
  const openReader = streams.openReader.bind(streams);
  streams.openReader = (key, group, consumer) => {
    const reader = openReader(key, group, consumer);
    if (key !== Jobs.name) return reader;
    const request = reader.request.bind(reader);
    reader.request = (count, blockMs, answered, failed, arrived) => (log.reads.push(count), request(count, blockMs, answered, failed, arrived));
    return reader;
  };
  const ack = streams.ack.bind(streams);
  streams.ack = (group, batches) => (log.acks.push(batches.reduce((sum, batch) => sum + batch.ids.length, 0)), ack(group, batches));
  const options = eventServiceOptionsWithDefaults({ group: 'g', consumer: 'c', closeTimeoutMs: 50, ...(scheduler ? { scheduler } : {}) });
  return EventService.create(options, { streams, pubsub: new MemoryPubSubTransport(broker) });
}

describe('consumer read-ahead (memory backend)', () => {
  it('read-ahead - the next read is sent before a full read is handed out, and maxInFlight still bounds what is held', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const log: TransportLog = { reads: [], acks: [] };
    const readsAt: Record<number, number[]> = {};
    const handedOut: string[] = [];
    testScheduler.run(({ cold }) => {
      const broker = new MemoryBroker({ scheduler: testScheduler });
      const service = memoryService(broker, testScheduler, log);
      void service.produce(Jobs, ...Array.from({ length: 30 }, (_, n) => ({ n })));
      const held: { ack(): Promise<void> }[] = [];
      const deliveries = service.consume(Jobs, { from: 'start', maxInFlight: 10, claimIdleAfterMs: Infinity });
      const subscription = deliveries.subscribe((delivery) => {
        held.push(delivery);
        handedOut.push(`${testScheduler.now()}:${delivery.value.n}`);
      });
      // at frame 10, the first five are acked: half the window is free, so the loop reads again at once
      cold('10ms a').subscribe(() => held.slice(0, 5).forEach((delivery) => void delivery.ack()));
      for (const frame of [1, 11]) testScheduler.schedule(() => (readsAt[frame] = [...log.reads]), frame);
      testScheduler.schedule(() => subscription.unsubscribe(), 100);
    });
    // the window of ten at frame 0, then five more in the frame the acks freed half of it
    expect(handedOut).toEqual([...Array.from({ length: 10 }, (_, n) => `0:${n}`), ...Array.from({ length: 5 }, (_, n) => `10:${n + 10}`)]);
    // reads of half the window: the second is sent before the first's five are handed out, then the window is full
    expect(readsAt[1]).toEqual([5, 5]);
    // the refill after the acks: one read of five (the window then is full again, so none ahead)
    expect(readsAt[11]).toEqual([5, 5, 5]);
    // the five acks of frame 10 went out together
    expect(log.acks).toEqual([5]);
  });

  it('read-ahead - a backlog drained with acks arrives complete and in order, its acks coalesced', async () => {
    const broker = new MemoryBroker();
    const log: TransportLog = { reads: [], acks: [] };
    const service = memoryService(broker, undefined, log);
    await service.produce(Jobs, ...Array.from({ length: 1000 }, (_, n) => ({ n })));
    const values = await firstValueFrom(
      service.consume(Jobs, { from: 'start', maxInFlight: 64, claimIdleAfterMs: Infinity }).pipe(
        tap((delivery) => void delivery.ack()),
        take(1000),
        toArray(),
      ),
    );
    expect(values.map((delivery) => delivery.value.n)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    expect(log.reads.slice(0, 3)).toEqual([32, 32, 32]);
    await service.close();
    // the memory backend answers each read at once, so the whole backlog was handed out in one task: one ack call
    expect(log.acks).toEqual([1000]);
    expect(broker.existingStream('jobs')?.pendingIds('g')).toEqual([]);
  });
});
