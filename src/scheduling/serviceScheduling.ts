import { catchError, EMPTY, ignoreElements, type Observable, type SchedulerLike } from 'rxjs';
import type { EventStream } from '../definitions/eventStream';
import { assertInteger } from '../internal/validate';
import type { PubSubTransport } from '../transport/PubSubTransport';
import type { StreamTransport } from '../transport/StreamTransport';
import type { ScheduledListOptions } from './ScheduledEvent';
import { ScheduledMover } from './ScheduledMover';
import { ScheduleWriter } from './ScheduleWriter';

/** Most scheduled events `scheduled` lists by default. */
export const DEFAULT_SCHEDULED_LIMIT = 1000;

/** One service's scheduled events: what stores them, and what moves them onto the streams it consumes. */
export interface ServiceScheduling {
  readonly writer: ScheduleWriter;
  readonly mover: ScheduledMover;
}

/** What scheduling takes from a service's options. */
export interface SchedulingConfig {
  readonly prefix: string;
  readonly maxMessageBytes: number;
  readonly produceTimeoutMs: number;
  readonly scheduler: SchedulerLike;
}

/** The scheduled events of a service on these transports, `undefined` when the backend cannot store them. */
export function serviceScheduling(
  options: SchedulingConfig,
  transports: { readonly streams: StreamTransport; readonly pubsub: PubSubTransport },
  report: (error: unknown) => void,
  afterMove: (stream: EventStream<unknown>, key: string) => void,
): ServiceScheduling | undefined {
  const scheduling = transports.streams.capabilities.scheduling;
  if (!scheduling) return undefined;
  const { prefix, maxMessageBytes, produceTimeoutMs, scheduler } = options;
  const { pubsub, streams } = transports;
  return {
    writer: new ScheduleWriter({ prefix, maxMessageBytes, produceTimeoutMs, scheduler, scheduling, pubsub, report, unreachable: () => streams.unreachable() }),
    mover: new ScheduledMover({ prefix, scheduler, scheduling, pubsub, report, afterMove }),
  };
}

/**
 * Starts `stream`'s movers once `groupsReady` has answered (completed, or failed: the consumer reports
 * its own errors): the consumer's group then exists on every partition before anything due is appended,
 * so a group starting at new entries gets the events that waited. Returns what stops them, or the wait.
 */
export function followAfter(mover: ScheduledMover, stream: EventStream<unknown>, groupsReady: Observable<unknown>): () => void {
  let stop: (() => void) | undefined;
  const waiting = groupsReady.pipe(ignoreElements(), catchError(() => EMPTY)).subscribe({ complete: () => (stop = mover.follow(stream)) });
  return () => {
    waiting.unsubscribe();
    stop?.();
  };
}

/** `options.limit` of `scheduled`, checked. @throws RangeError naming the option. */
export function scheduledLimit(options: ScheduledListOptions): number {
  const limit = options.limit ?? DEFAULT_SCHEDULED_LIMIT;
  assertInteger(limit, 'scheduled option limit', 1);
  return limit;
}
