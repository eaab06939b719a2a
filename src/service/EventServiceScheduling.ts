import type { EventStream } from '../definitions/eventStream';
import type { ScheduledEvent, ScheduledListOptions } from '../scheduling/ScheduledEvent';
import type { ScheduleWhen } from '../scheduling/scheduleWhen';
import { scheduledLimit, type ServiceScheduling } from '../scheduling/serviceScheduling';
import { requireCapability } from '../transport/StreamTransport';
import { assertDefinition } from './assertDefinition';
import { EventServiceAdmin } from './EventServiceAdmin';

/**
 * The scheduled events of an `EventService`: storing events to be appended later, taking them back
 * and listing those still waiting, on a backend that can store them (any consumer of the stream
 * moves them onto it when due; see `consume`).
 */
export abstract class EventServiceScheduling extends EventServiceAdmin {
  /**
   * Stores events to be appended to the stream at `when` (a `Date`, or `{ delayMs }` from now), by the
   * broker's clock; resolves with one schedule id per event. They are validated, encoded and routed to
   * partitions as at `produce` (nothing is stored if one fails), and deduplicated by their idempotency
   * key when appended. Each is appended exactly once, never before its time, by any service instance
   * consuming the stream (any group); while none consumes, due events wait. See `scheduling/`.
   */
  async schedule<T>(stream: EventStream<T>, when: ScheduleWhen, ...events: NoInfer<T>[]): Promise<string[]> {
    this.assertOpen('schedule');
    assertDefinition(stream, 'eventStream', 'schedule');
    return this.schedulingFor('schedule').writer.schedule(stream, when, events);
  }

  /** Takes a scheduled event back before its time: true if it was still waiting, false otherwise (appended, taken back, or an unknown id). */
  async unschedule<T>(stream: EventStream<T>, id: string): Promise<boolean> {
    this.assertOpen('unschedule');
    assertDefinition(stream, 'eventStream', 'unschedule');
    return this.schedulingFor('unschedule').writer.unschedule(stream as EventStream<unknown>, id);
  }

  /** The stream's scheduled events still waiting, the first due first (at most `options.limit`, default 1000). */
  async scheduled<T>(stream: EventStream<T>, options: ScheduledListOptions = {}): Promise<ScheduledEvent<T>[]> {
    this.assertOpen('scheduled');
    assertDefinition(stream, 'eventStream', 'scheduled');
    return this.schedulingFor('scheduled').writer.list(stream, scheduledLimit(options));
  }

  /** The service's scheduled events, which `method` cannot do without. */
  private schedulingFor(method: string): ServiceScheduling {
    requireCapability(this.transports.streams, 'scheduling', method);
    return this.scheduling as ServiceScheduling;
  }
}
