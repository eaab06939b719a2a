import { ignoreElements, merge, retry, timer, type SchedulerLike } from 'rxjs';
import type { ResolvedConsumeOptions } from '../consumer/consumeOptions';
import type { EventStream } from '../definitions/eventStream';
import { assertInteger } from '../internal/validate';
import { partitionKeys, scheduleWakeKeyOf } from '../partitions/streamLayout';
import type { StreamTransport } from '../transport/StreamTransport';
import type { ScheduledListOptions } from './ScheduledEvent';
import { ScheduledMover } from './ScheduledMover';
import { ScheduleWriter } from './ScheduleWriter';
import { WAKE_RETRY_MS, WakeReader } from './WakeReader';

/** Most scheduled events `scheduled` lists by default. */
export const DEFAULT_SCHEDULED_LIMIT = 1000;

/** One service's scheduled events: what stores them, and what moves them onto the streams it consumes. */
export interface ServiceScheduling {
  readonly writer: ScheduleWriter;
  readonly mover: ScheduledMover;
  /** What a service's consume subscriptions work with to follow the stream's scheduled events (see {@link followScheduled}). */
  readonly follower: ScheduleFollower;
}

/** What {@link followScheduled} takes from the service. */
export interface ScheduleFollower {
  readonly mover: ScheduledMover;
  readonly transport: StreamTransport;
  readonly group: string;
  readonly prefix: string;
  readonly report: (error: unknown) => void;
}

/** What scheduling takes from a service's options. */
export interface SchedulingConfig {
  readonly group: string;
  readonly prefix: string;
  readonly maxMessageBytes: number;
  readonly produceTimeoutMs: number;
  readonly scheduler: SchedulerLike;
}

/** The scheduled events of a service on this transport, `undefined` when the backend cannot store them. */
export function serviceScheduling(
  options: SchedulingConfig,
  streams: StreamTransport,
  report: (error: unknown) => void,
  afterMove: (stream: EventStream<unknown>, key: string) => void,
): ServiceScheduling | undefined {
  const scheduling = streams.capabilities.scheduling;
  if (!scheduling) return undefined;
  const { group, prefix, maxMessageBytes, produceTimeoutMs, scheduler } = options;
  const mover = new ScheduledMover({ prefix, scheduler, scheduling, report, afterMove });
  return {
    writer: new ScheduleWriter({ prefix, maxMessageBytes, produceTimeoutMs, scheduler, scheduling, unreachable: () => streams.unreachable() }),
    mover,
    follower: { mover, transport: streams, group, prefix, report },
  };
}

/**
 * Follows `stream`'s scheduled events for one consume subscription (consumer `consumer`): once the
 * group exists on every partition (where `options.from` says) and on each partition's wake stream (at
 * new entries), starts the stream's movers, and reads the wake streams with the subscription's reader.
 * A group that starts at new entries so gets the events that waited: they are appended after it
 * exists. A failure to create the groups is the consumer's to report; they are tried again every
 * {@link WAKE_RETRY_MS}. Returns what stops it.
 */
export function followScheduled(follower: ScheduleFollower, stream: EventStream<unknown>, consumer: string, options: Pick<ResolvedConsumeOptions, 'from' | 'blockMs' | 'scheduler'>): () => void {
  const { mover, transport, group, prefix, report } = follower;
  const keys = partitionKeys(prefix, stream);
  const wakeKeys = keys.map(scheduleWakeKeyOf);
  const groups = merge(...keys.map((key) => transport.ensureGroup(key, group, options.from)), ...wakeKeys.map((key) => transport.ensureGroup(key, group, 'new')));
  let stop: (() => void) | undefined;
  let readers: WakeReader[] = [];
  const start = () => {
    stop = mover.follow(stream);
    const parts = { transport, group, consumer, blockMs: options.blockMs, scheduler: options.scheduler, report };
    readers = wakeKeys.map((key, partition) => new WakeReader(key, parts, () => mover.wake(stream, partition)));
  };
  const created = groups.pipe(ignoreElements(), retry({ delay: () => timer(WAKE_RETRY_MS, options.scheduler) }));
  const waiting = created.subscribe({ complete: start });
  return () => {
    waiting.unsubscribe();
    for (const reader of readers) reader.stop();
    stop?.();
  };
}

/** `options.limit` of `scheduled`, checked. @throws RangeError naming the option. */
export function scheduledLimit(options: ScheduledListOptions): number {
  const limit = options.limit ?? DEFAULT_SCHEDULED_LIMIT;
  assertInteger(limit, 'scheduled option limit', 1);
  return limit;
}
