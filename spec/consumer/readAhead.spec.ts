import { firstValueFrom, from, take, tap, toArray, VirtualTimeScheduler, type Observable } from 'rxjs';
import { eventStream, MemoryBroker, type Delivery } from '../../src';
import { EventService } from '../../src/service/EventService';
import { eventServiceOptionsWithDefaults } from '../../src/service/eventServiceOptions';
import { MemoryPubSubTransport } from '../../src/transport/memory/MemoryPubSubTransport';
import { MemoryStreamTransport } from '../../src/transport/memory/MemoryStreamTransport';
import type { ReadEntry, StreamReader, StreamTransport } from '../../src/transport/StreamTransport';

const Jobs = eventStream<{ n: number }>('jobs');

/** What the loop asked of the reader, and what it had handed out by then. */
interface ReadLog {
  readonly counts: number[];
  /** Deliveries emitted when each read was sent. */
  readonly emittedAtRead: number[];
}

/**
 * The memory transport as a network transport looks to the loop: not synchronous, and every read
 * answers in a later microtask. Records each read's count.
 */
function asynchronousTransport(broker: MemoryBroker, log: ReadLog, emitted: () => number): StreamTransport {
  const inner = new MemoryStreamTransport(broker);
  const transport: StreamTransport = Object.create(inner) as StreamTransport;
  Object.defineProperty(transport, 'synchronous', { value: false });
  transport.openReader = (key, group, consumer) => {
    const reader = inner.openReader(key, group, consumer);
    const wrapped: StreamReader = {
      read: (count: number, blockMs: number): Observable<ReadEntry[]> => {
        log.counts.push(count);
        log.emittedAtRead.push(emitted());
        return from(firstValueFrom(reader.read(count, blockMs)));
      },
      interrupt: () => reader.interrupt(),
      close: () => reader.close(),
    };
    return wrapped;
  };
  return transport;
}

describe('consumer read-ahead (asynchronous transports)', () => {
  let service: EventService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  async function setUp(backlog: number): Promise<{ service: EventService; log: ReadLog; emitted: Delivery<{ n: number }>[] }> {
    const broker = new MemoryBroker();
    const log: ReadLog = { counts: [], emittedAtRead: [] };
    const emitted: Delivery<{ n: number }>[] = [];
    // virtual time that never advances: the refill pause (20 ms) cannot end early on a busy machine
    const options = eventServiceOptionsWithDefaults({ group: 'g', consumer: 'c', closeTimeoutMs: 50, scheduler: new VirtualTimeScheduler() });
    service = new EventService(options, { streams: asynchronousTransport(broker, log, () => emitted.length), pubsub: new MemoryPubSubTransport(broker) });
    await service.produce(Jobs, ...Array.from({ length: backlog }, (_, n) => ({ n })));
    return { service, log, emitted };
  }

  it('read-ahead - the next read is sent before a full read is handed out, and maxInFlight still bounds what is held', async () => {
    const { service, log, emitted } = await setUp(30);
    const subscription = service.consume(Jobs, { from: 'start', maxInFlight: 10, claimIdleAfterMs: Infinity }).subscribe((delivery) => emitted.push(delivery));
    await new Promise((resolve) => setImmediate(resolve));
    // reads of half the window; the second is sent before the first's 5 are handed out; then the window is full
    expect(log.counts).toEqual([5, 5]);
    expect(log.emittedAtRead).toEqual([0, 0]);
    expect(emitted.map((delivery) => delivery.value.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // acking five frees half the window: the loop reads again (refill)
    await Promise.all(emitted.slice(0, 5).map((delivery) => delivery.ack()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.counts).toEqual([5, 5, 5]);
    expect(emitted.map((delivery) => delivery.value.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    subscription.unsubscribe();
    await Promise.all(emitted.map((delivery) => delivery.ack())); // close() then has nothing to wait for (its timer is virtual)
  });

  it('read-ahead - a backlog drained with acks arrives complete and in order', async () => {
    const { service, log } = await setUp(1000);
    const values = await firstValueFrom(
      service.consume(Jobs, { from: 'start', maxInFlight: 64, claimIdleAfterMs: Infinity }).pipe(
        tap((delivery) => void delivery.ack()),
        take(1000),
        toArray(),
      ),
    );
    expect(values.map((delivery) => delivery.value.n)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    expect(log.counts.slice(0, 3)).toEqual([32, 32, 32]);
  });
});
