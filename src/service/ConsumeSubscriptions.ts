import { firstValueFrom, type Subscriber, type TeardownLogic } from 'rxjs';
import type { ConsumerAcks } from '../consumer/ConsumerAcks';
import type { ConsumerContext } from '../consumer/ConsumerContext';
import { ConsumerLoop } from '../consumer/ConsumerLoop';
import type { ConsumerRun } from '../consumer/ConsumerRun';
import { SubscriptionWindow } from '../consumer/SubscriptionWindow';
import type { ResolvedConsumeOptions } from '../consumer/consumeOptions';
import type { Delivery } from '../consumer/Delivery';
import type { EventStream } from '../definitions/eventStream';
import type { ConsumerHealth } from '../health/ServiceHealth';
import type { Instrument } from '../instrumentation/Instrument';
import { OrderedConsumer } from '../ordering/OrderedConsumer';
import { deadLetterKeyOf, membersKeyOf, partitionKeys, scheduleWakeKeyOf } from '../partitions/streamLayout';
import { followScheduled, type ScheduleFollower } from '../scheduling/serviceScheduling';
import type { Tracing } from '../tracing/Tracing';
import type { StreamTransport } from '../transport/StreamTransport';
import { ConsumerNames } from './ConsumerNames';
import type { ResolvedEventServiceOptions } from './eventServiceOptions';

/** What the consume subscriptions of a service work with. */
export interface ConsumeParts {
  readonly transport: StreamTransport;
  readonly acks: ConsumerAcks;
  readonly report: (error: unknown) => void;
  readonly instrument: Instrument;
  /** Trace propagation, when `@opentelemetry/api` is installed. */
  readonly tracing: Tracing | undefined;
  /** The service's scheduled events, when the backend stores them: each subscription follows its stream's. */
  readonly scheduled?: ScheduleFollower | undefined;
}

/**
 * The `consume` subscriptions of one service: names each subscription's consumer, reads every
 * partition with a loop of its own (or one ordered consumer over all of them), follows the stream's
 * scheduled events (any consumer moves those due), remembers the consumers it joined groups with, and stops, settles and completes them all when the service closes.
 */
export class ConsumeSubscriptions {
  private readonly loops = new Map<ConsumerRun, Subscriber<Delivery<unknown>>>();
  /** Active consume subscriptions, for `health()`. */
  private readonly subscriptions = new Map<ConsumerRun, { readonly stream: string; readonly consumer: string }>();
  private readonly names: ConsumerNames;
  /** The consumers this service joined groups with, by stream key: `close()` removes those that hold nothing. */
  private readonly joined = new Map<string, Set<string>>();
  private readonly context: ConsumerContext;
  private readonly scheduled: ScheduleFollower | undefined;
  /** What stops each subscription's following of scheduled events (see `followScheduled`). */
  private readonly follows = new Set<() => void>();
  /** The loops running when the service began to close. */
  private closing: [ConsumerRun, Subscriber<Delivery<unknown>>][] = [];

  constructor(
    private readonly options: ResolvedEventServiceOptions,
    parts: ConsumeParts,
  ) {
    this.names = new ConsumerNames(options.consumer);
    const { acks } = parts;
    this.scheduled = parts.scheduled;
    this.context = {
      transport: parts.transport,
      ack: (key, id) => acks.ack(key, id),
      deadLetterKey: deadLetterKeyOf,
      group: options.group,
      report: parts.report,
      instrument: parts.instrument,
      tracing: parts.tracing,
      consumerExpiryMs: options.consumerExpiryMs,
    };
  }

  /** Starts reading `stream` for one subscriber as a new consumer; returns what ends it. */
  start<T>(stream: EventStream<T>, resolved: ResolvedConsumeOptions, subscriber: Subscriber<Delivery<T>>): TeardownLogic {
    const name = this.names.take(stream.name);
    const keys = partitionKeys(this.options.prefix, stream);
    const scheduled = this.scheduled;
    for (const key of scheduled ? [...keys, ...keys.map(scheduleWakeKeyOf)] : keys) this.joined.set(key, (this.joined.get(key) ?? new Set()).add(name.name));
    // every partition is read by a loop of its own; they share one window
    const window = new SubscriptionWindow(resolved.maxInFlight, resolved.scheduler);
    const loops: (ConsumerLoop<T> | OrderedConsumer<T>)[] = resolved.ordered
      ? [new OrderedConsumer<T>(this.context, stream, keys, name.name, membersKeyOf(this.options.prefix, stream, this.options.group), resolved, window, subscriber)]
      : keys.map((key, partition) => new ConsumerLoop<T>(this.context, { stream, key, partition, consumer: name.name }, resolved, window, subscriber));
    for (const loop of loops) {
      this.loops.set(loop, subscriber);
      this.subscriptions.set(loop, { stream: stream.name, consumer: name.name });
      loop.start();
    }
    const unfollow = scheduled && followScheduled(scheduled, stream as EventStream<unknown>, name.name, resolved);
    if (unfollow) this.follows.add(unfollow);
    return () => {
      if (unfollow) this.follows.delete(unfollow);
      unfollow?.();
      for (const loop of loops) {
        this.subscriptions.delete(loop);
        loop.stop();
      }
      // Deliveries already emitted may still be in a handler: close() waits for them too.
      void Promise.all(loops.map((loop) => loop.whenSettled())).then(() => {
        for (const loop of loops) this.loops.delete(loop);
        name.release();
      });
    };
  }

  /** The active subscriptions, for `health()`. */
  active(): ConsumerHealth[] {
    return [...this.subscriptions].map(([loop, { stream, consumer }]) => ({ stream, consumer, inFlight: loop.inFlightCount }));
  }

  /** Stops every loop still running or settling, and every following of scheduled events (the service closes). */
  stop(): void {
    this.closing = [...this.loops];
    for (const [loop] of this.closing) loop.stop();
    for (const unfollow of this.follows) unfollow();
    this.follows.clear();
  }

  /** Resolves once every delivery of the loops stopped by `stop()` is settled. */
  whenSettled(): Promise<unknown> {
    return Promise.all(this.closing.map(([loop]) => loop.whenSettled()));
  }

  /** Deliveries not settled in time go idle and are taken over. */
  abandon(): void {
    for (const [loop] of this.closing) loop.abandon();
  }

  /** Completes the subscribers of the loops stopped by `stop()`. */
  complete(): void {
    for (const [, subscriber] of this.closing) subscriber.complete();
  }

  /** Removes this service's consumers that hold nothing from their groups (one that still holds entries stays, for a takeover). */
  async leaveGroups(): Promise<void> {
    const { transport, report } = this.context;
    const hygiene = transport.capabilities.hygiene;
    if (!hygiene) return; // a backend without it keeps its consumers
    const left = [...this.joined].map(([key, consumers]) => firstValueFrom(hygiene.removeConsumers(key, this.options.group, [...consumers])));
    for (const result of await Promise.allSettled(left)) if (result.status === 'rejected') report(result.reason);
  }
}
