import { assertName } from '../internal/validate';

/** Options of {@link eventStream}. */
export interface EventStreamOptions<T> {
  /**
   * Partition key selector: the key is stored with every entry and exposed as `Delivery.key`.
   * Events with the same key will be kept in order once partitioning is in use.
   */
  readonly key?: (value: T) => string;
}

/**
 * The definition of a persistent, load-balanced event stream (Redis Streams with consumer groups).
 * A plain value: group several in an object, the way UCloud groups them in an `EventStreamContainer`.
 */
export interface EventStream<T> {
  readonly kind: 'eventStream';
  /** The stream's name; the Redis key is the service's `prefix` followed by this name. */
  readonly name: string;
  /** The partition key selector, if any. */
  readonly key?: (value: T) => string;
  /** Phantom field carrying the value type; always `undefined` at run time. */
  readonly __type?: T;
}

/**
 * Defines a persistent event stream whose values are of type `T`.
 *
 * Every group (micro-service) that consumes it receives every event; the instances of one group share them.
 *
 * ## Example
 * ```ts
 * import { eventStream } from 'rx-redis-events';
 *
 * interface JobStarted { jobId: string; startedAt: Date }
 * export const JobEvents = {
 *   started: eventStream<JobStarted>('jobs.started', { key: (e) => e.jobId }),
 * };
 * ```
 *
 * @param name Stream name: a non-empty string without control characters, at most 256 characters.
 * @param options Optional partition key selector.
 * @throws TypeError when the name or the key selector is invalid.
 */
export function eventStream<T>(name: string, options: EventStreamOptions<T> = {}): EventStream<T> {
  assertName(name, 'eventStream name');
  if (options.key !== undefined && typeof options.key !== 'function') {
    throw new TypeError(`rx-redis-events: eventStream("${name}") option key must be a function (value) => string`);
  }
  return Object.freeze({ kind: 'eventStream' as const, name, ...(options.key ? { key: options.key } : {}) });
}
