import type { SchedulerLike } from 'rxjs';
import type { GroupStart, GroupStartAt } from '../transport/StreamTransport';
import { assertDuration, assertInteger } from '../internal/validate';
import { idBeforeTime, isStreamId } from '../internal/streamId';

/** Options of `EventService.consume`. */
export interface ConsumeOptions {
  /**
   * Where the group starts when it does not exist yet: `'new'` (only events produced from now on),
   * `'start'` (the whole stream), a `Date` (the events produced at or after that moment, by the
   * broker's clock: entry ids carry it) or an entry id such as `'1700000000000-0'` (the events after
   * that id). On a partitioned stream it applies to every partition. A group that exists already is
   * left where it is (see `EventService.moveGroup`). Default `'new'`.
   */
  readonly from?: GroupStart | Date | EntryId;
  /** Most un-acked deliveries one subscription holds (1 to 10000); the reader asks the broker only for what fits. Default 1000. */
  readonly maxInFlight?: number;
  /** Longest a blocking read waits on Redis before it is issued again, in ms. Default 2000. */
  readonly blockMs?: number;
  /**
   * Pending entries idle this long (another consumer's, or this one's that it is not handling) are
   * taken over and redelivered, in ms; `Infinity` disables it. A live consumer renews the entries it
   * holds (with a handler, or nacked and waiting) every `claimIdleAfterMs / 3`, so they never go idle
   * while it lives (see `maxHandlingMs`). Default 30000.
   */
  readonly claimIdleAfterMs?: number;
  /**
   * Longest a delivery's lease is renewed while it is with its handler, in ms: past it the delivery
   * is reported stuck (`instrumentation$` event `consumer.stuck`) and no longer renewed, so another
   * consumer takes it over `claimIdleAfterMs` later. Default 900000 (15 minutes).
   */
  readonly maxHandlingMs?: number;
  /** An event delivered this many times without an ack is moved to the stream's dead-letter stream (`<stream>:dlq`). Default 10. */
  readonly maxDeliveries?: number;
  /** Scheduler for every timer of the subscription (claim checks, nack delays, retry pauses). Default: the service's. */
  readonly scheduler?: SchedulerLike;
  /**
   * Events with the same key are handled one at a time, in produce order, across every instance of the
   * group: each partition is read by one live instance at a time (a lease in Redis, renewed; taken over
   * within `claimIdleAfterMs` when its owner dies), partitions are spread evenly over the live
   * instances and rebalanced when instances come and go, and an instance hands out an event only once
   * the previous event of its key is acked. Every instance of the group must consume with `ordered`.
   * Needs a finite `claimIdleAfterMs`. Default false: any instance takes any entry (highest throughput).
   */
  readonly ordered?: boolean;
  /** Completes the Observable when this signal aborts, as unsubscribing would (un-acked deliveries stay pending); a signal aborted already completes it at once. */
  readonly signal?: AbortSignal;
}

/** An entry id such as `'1700000000000-0'` (any string is accepted by the type, so that `'new'` and `'start'` still complete in editors). */
export type EntryId = string & {};

/** Defaults of {@link ConsumeOptions}. */
export const DEFAULT_CONSUME_OPTIONS = Object.freeze({
  from: 'new',
  maxInFlight: 1000,
  blockMs: 2000,
  claimIdleAfterMs: 30_000,
  maxHandlingMs: 900_000,
  maxDeliveries: 10,
  ordered: false,
});

/** {@link ConsumeOptions} with every default filled in, `from` as the transport takes it, and the service's `maxMessageBytes`. */
export type ResolvedConsumeOptions = Required<Omit<ConsumeOptions, 'signal' | 'from'>> & { readonly from: GroupStartAt; readonly maxMessageBytes: number };

/** Validates options and fills in defaults; throws `TypeError`/`RangeError` naming the bad option. */
export function consumeOptionsWithDefaults(options: ConsumeOptions, scheduler: SchedulerLike, maxMessageBytes: number): ResolvedConsumeOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`rx-redis-events: consume options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const given = { ...DEFAULT_CONSUME_OPTIONS, scheduler, ...stripUndefined(options), maxMessageBytes };
  const resolved = { ...given, from: groupStartOf(given.from) };
  assertInteger(resolved.maxInFlight, 'consume option maxInFlight', 1, 10_000);
  assertDuration(resolved.blockMs, 'consume option blockMs', 1);
  assertDuration(resolved.claimIdleAfterMs, 'consume option claimIdleAfterMs', 1, true);
  assertDuration(resolved.maxHandlingMs, 'consume option maxHandlingMs', 1, true);
  assertInteger(resolved.maxDeliveries, 'consume option maxDeliveries', 1);
  if (typeof resolved.ordered !== 'boolean') throw new TypeError(`rx-redis-events: consume option ordered must be a boolean, got ${typeof resolved.ordered}`);
  if (resolved.ordered && !Number.isFinite(resolved.claimIdleAfterMs)) {
    throw new RangeError('rx-redis-events: consume option ordered needs a finite claimIdleAfterMs (how soon a dead instance’s partitions are taken over)');
  }
  return resolved;
}

/**
 * Where `from` creates a group: `'new'`/`'start'` as they are, a `Date` as the id before its millisecond,
 * an entry id as itself.
 *
 * @throws TypeError naming the option for anything else (an invalid `Date` included).
 */
export function groupStartOf(from: unknown): GroupStartAt {
  if (from === 'new' || from === 'start') return from;
  if (from instanceof Date && !Number.isNaN(from.getTime())) return { afterId: idBeforeTime(from.getTime()) };
  if (isStreamId(from)) return { afterId: from };
  const shown = from instanceof Date ? 'an invalid Date' : JSON.stringify(from) ?? String(from);
  throw new TypeError(`rx-redis-events: consume option from must be 'new', 'start', a Date or an entry id such as 1700000000000-0, got ${shown}`);
}

function stripUndefined<O extends object>(options: O): Partial<O> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<O>;
}
