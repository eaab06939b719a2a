import { codecOption, type StreamCodec } from '../codec/codecs';
import { DEAD_LETTER_SUFFIX } from '../partitions/streamLayout';
import { assertDuration, assertInteger, assertName } from '../internal/validate';
import type { StandardSchemaV1 } from '../validation/StandardSchema';
import { schemaOption } from './schema';

/** Most partitions a stream can have. */
export const MAX_PARTITIONS = 1024;

/** How long a stream keeps its entries. Trimming never removes an entry some group has not read or acked, unless `unsafeHardLimit`. */
export interface RetentionOptions {
  /** Keep at most this many entries. */
  readonly maxLength?: number;
  /** Remove entries older than this many milliseconds. */
  readonly maxAge?: number;
  /** Apply the limits even to entries a slow group has not read or acked yet: those entries are lost for it. Default false. */
  readonly unsafeHardLimit?: boolean;
}

/** How long an idempotency key is remembered by default: 10 minutes. */
export const DEFAULT_IDEMPOTENCY_WINDOW_MS = 600_000;

/**
 * Idempotency keys of a stream's events: an event whose key was produced to the stream within
 * `windowMs` is not appended again (by any instance, alone or inside a call with other events);
 * `produce` answers the original entry's id in its place.
 */
export interface IdempotencyOptions<T> {
  /** The event's idempotency key, such as an order id; a selector that throws or returns a non-string makes `produce` reject with an `EncodeError`, writing nothing of the call. */
  readonly key: (value: T) => string;
  /** How long a key is remembered after its event was produced, in ms. Default {@link DEFAULT_IDEMPOTENCY_WINDOW_MS} (10 minutes). */
  readonly windowMs?: number;
}

/** Options of {@link eventStream}. */
export interface EventStreamOptions<T> {
  /** Retention limits, applied after produce (about once a second per stream) and by `EventService.trim`. Default: keep everything. */
  readonly retention?: RetentionOptions;
  /**
   * Partition key selector: the key is stored with every entry and exposed as `Delivery.key`, and
   * chooses the partition (events with the same key are in the same partition, in produce order).
   */
  readonly key?: (value: T) => string;
  /**
   * Number of partitions, 1 to 1024. Default 1: one Redis stream under `<prefix><name>`. With N > 1
   * the stream is N Redis streams `<prefix><name>:{<tag>}` whose hash tags spread them evenly over
   * Redis Cluster's slots; an event goes to partition `fnv1a32(key) mod N` (FNV-1a, 32 bits, over the
   * key's UTF-8 bytes), or round robin without a key. Consumers read every partition; retention
   * applies to each partition (`maxLength` split evenly).
   */
  readonly partitions?: number;
  /**
   * Idempotency keys (see {@link IdempotencyOptions}). Each key is a Redis key under the prefix, in the
   * slot of its event's partition, for `windowMs` (about 100 bytes plus the key's length). On a stream
   * of several partitions without `key`, an event's partition is chosen by its idempotency key (so a
   * repeat meets the first); with `key`, events that share an idempotency key must share a partition key.
   */
  readonly idempotency?: IdempotencyOptions<T>;
  /**
   * How values are written in the entries' `v` field: `'superjson'` (default), `'json'` (plain JSON,
   * for services in other languages; see the guide `docs/wire-format.md`) or your own `{ encode, decode }`.
   */
  readonly codec?: StreamCodec<T>;
  /**
   * A Standard Schema v1 validator (zod 4, valibot, arktype...); the stream's type is its output.
   * `produce` validates every event of a call before writing any (a `ValidationError` otherwise) and
   * writes the schema's output; consumers validate each entry after decoding, deliver the output and
   * dead-letter an invalid entry with reason `invalid`. The schema must accept its own output.
   */
  readonly schema?: StandardSchemaV1<unknown, T>;
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
  /** Retention limits, if any. */
  readonly retention?: RetentionOptions;
  /** Number of partitions (1: a single Redis stream). */
  readonly partitions: number;
  /** Idempotency keys, if any, with the window filled in. */
  readonly idempotency?: Required<IdempotencyOptions<T>>;
  /** How values are encoded, when not with superjson (the default, given or not, leaves this out). */
  readonly codec?: Exclude<StreamCodec<T>, 'superjson'>;
  /** The schema every value is validated with, if any. */
  readonly schema?: StandardSchemaV1<unknown, T>;
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
 * @param name Stream name: a non-empty string of at most 256 characters, without control characters,
 * whitespace, `{`, `}` (hash tags), `*`, `?`, `[`, `]`, `\` (glob syntax of ACL patterns), and not
 * ending with `:dlq` (the suffix of dead-letter streams).
 * @param options Optional partition key selector, number of partitions, retention limits, idempotency keys, codec and schema.
 * @throws TypeError when the name, a key selector, the codec or the schema is invalid; RangeError for a bad number.
 */
export function eventStream<T>(name: string, options: EventStreamOptions<T> = {}): EventStream<T> {
  assertName(name, 'eventStream name');
  if (name.endsWith(DEAD_LETTER_SUFFIX)) {
    throw new TypeError(`rx-redis-events: eventStream name must not end with "${DEAD_LETTER_SUFFIX}" (the dead-letter stream of "${name.slice(0, -DEAD_LETTER_SUFFIX.length)}" has that key), got ${JSON.stringify(name)}`);
  }
  if (options.key !== undefined && typeof options.key !== 'function') {
    throw new TypeError(`rx-redis-events: eventStream("${name}") option key must be a function (value) => string`);
  }
  if (options.retention !== undefined) assertRetention(name, options.retention);
  const idempotency = options.idempotency === undefined ? undefined : idempotencyOf(name, options.idempotency);
  const schema = schemaOption(`eventStream("${name}")`, options.schema);
  const partitions = options.partitions ?? 1;
  assertInteger(partitions, `eventStream("${name}") option partitions`, 1, MAX_PARTITIONS);
  const codec = codecOption<T>(options.codec, `eventStream("${name}")`);
  return Object.freeze({
    kind: 'eventStream' as const,
    name,
    partitions,
    ...(codec ? { codec } : {}),
    ...(options.key ? { key: options.key } : {}),
    ...(options.retention ? { retention: Object.freeze({ ...options.retention }) } : {}),
    ...(idempotency ? { idempotency } : {}),
    ...schema,
  });
}

function idempotencyOf<T>(name: string, idempotency: IdempotencyOptions<T>): Required<IdempotencyOptions<T>> {
  if (typeof idempotency !== 'object' || idempotency === null || typeof idempotency.key !== 'function') {
    throw new TypeError(`rx-redis-events: eventStream("${name}") option idempotency must be { key: (value) => string, windowMs? }`);
  }
  const windowMs = idempotency.windowMs ?? DEFAULT_IDEMPOTENCY_WINDOW_MS;
  assertDuration(windowMs, `eventStream("${name}") idempotency.windowMs`, 1);
  return Object.freeze({ key: idempotency.key, windowMs });
}

function assertRetention(name: string, retention: RetentionOptions): void {
  if (typeof retention !== 'object' || retention === null) throw new TypeError(`rx-redis-events: eventStream("${name}") option retention must be an object`);
  if (retention.maxLength !== undefined) assertInteger(retention.maxLength, `eventStream("${name}") retention.maxLength`, 0);
  if (retention.maxAge !== undefined) assertDuration(retention.maxAge, `eventStream("${name}") retention.maxAge`, 1);
  if (retention.maxLength === undefined && retention.maxAge === undefined) {
    throw new TypeError(`rx-redis-events: eventStream("${name}") option retention needs maxLength or maxAge`);
  }
}
