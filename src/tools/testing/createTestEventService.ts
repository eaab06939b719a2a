import type { SchedulerLike } from 'rxjs';
import { createEventService } from '../../service/createEventService';
import type { EventService } from '../../service/EventService';
import type { EventServiceOptions } from '../../service/eventServiceOptions';
import { MemoryBroker } from '../../transport/memory/MemoryBroker';

/** Options of {@link createTestEventService}. */
export interface TestEventServiceOptions extends Omit<EventServiceOptions, 'redis' | 'broker' | 'scheduler'> {
  /** The virtual clock: pass the `TestScheduler` (every timer of the service and the broker's clock use it). */
  readonly scheduler: SchedulerLike;
  /** A broker shared with other test services (several instances or groups); default: a new one on `scheduler`. */
  readonly broker?: MemoryBroker;
}

/** An `EventService` on an in-memory broker driven by a test scheduler, with the broker at hand. */
export interface TestEventService extends EventService {
  /** The broker it runs on: share it with `createTestEventService({ broker })` for more instances. */
  readonly broker: MemoryBroker;
}

/**
 * Creates an `EventService` that runs entirely in virtual time: on an in-memory broker whose clock
 * is the scheduler, with every timer (batch windows, nack delays, claim checks, retries) on it.
 * Deliveries happen in the frame their event is produced, so `TestScheduler.run` marble assertions
 * see exact frames. The consumer name defaults to the group, so ids and names are stable.
 *
 * ```
 * produce:  -a-b-c-------
 * consume:  -a-b-c-------   (same frames)
 * batch({ maxLatency: 500, maxBatchSize: 3 }):  -----x   (x = [a, b, c], full at frame 5)
 * ```
 *
 * ## Example
 * ```ts
 * import { TestScheduler } from 'rxjs/testing';
 * import { createTestEventService } from 'rx-redis-events/testing';
 *
 * const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
 * testScheduler.run(({ expectObservable }) => {
 *   const billing = createTestEventService({ group: 'billing', scheduler: testScheduler });
 *   void billing.produce(Orders, { id: 1 });
 *   expectObservable(billing.consume(Orders, { from: 'start' }).pipe(map((d) => d.value.id)), '^ 9ms !').toBe('a', { a: 1 });
 * });
 * ```
 *
 * @param options Group, scheduler, and optionally a shared broker and any service option.
 * @returns The service, with its broker.
 */
export function createTestEventService(options: TestEventServiceOptions): TestEventService {
  const { broker = new MemoryBroker({ scheduler: options.scheduler }), ...rest } = options;
  const service = createEventService({ consumer: options.group, ...rest, broker });
  return Object.assign(service, { broker });
}
