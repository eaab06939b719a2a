import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { MemoryBroker } from '../transport/memory/MemoryBroker';
import { redisOptionKind, type RedisConnectionOption } from '../transport/redis/redisOption';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../codec/messageSize';
import { assertDuration, assertInteger, assertName, assertPrefix, describe, MAX_TIMER_MS } from '../internal/validate';

/** {@link EventServiceOptions.durability}: how many replicas must have a produced entry before `produce` resolves. */
export interface DurabilityOptions {
  /** Replicas that must confirm the entries (Redis `WAIT`), at least 1. */
  readonly replicas: number;
  /** Longest wait for them, in ms (1 or more): then `produce` rejects with a retriable `ReplicationTimeoutError`. */
  readonly timeoutMs: number;
}

/** Options of `createEventService`. */
export interface EventServiceOptions {
  /**
   * The micro-service's name: every group receives every event; instances of one group share them.
   * Required; a name as for streams (at most 256 characters, no control characters, whitespace,
   * `{`, `}`, `*`, `?`, `[`, `]` or `\`).
   */
  readonly group: string;
  /** This instance's id (a name as `group`); each `consume` subscription is a consumer named `<consumer>#<n>`. Default: `<hostname>-<pid>-<random>`. */
  readonly consumer?: string;
  /**
   * Redis to use: a URL, ioredis options, or an existing client or cluster of ioredis 5 or 6 (which
   * `close()` leaves open). Given but `undefined`, `null` or `''` (an unset environment variable) is a
   * `TypeError`: leave it out for the in-memory broker.
   */
  readonly redis?: RedisConnectionOption;
  /**
   * An in-memory broker, shared by several services of one process. Default (with neither `redis` nor
   * `broker`): a private one, and `health()` then always warns `memory-broker`.
   */
  readonly broker?: MemoryBroker;
  /**
   * Prefix of every Redis key and channel the library touches, usually ending with `:`. Default `''`.
   * The same characters as names are refused (an ACL pattern such as `~<prefix>*` must match it literally).
   */
  readonly prefix?: string;
  /**
   * Largest encoded event, in UTF-8 bytes of its text in the stream's codec (the entry's `v` field, or the
   * broadcast message). `produce` and `broadcast` reject a larger one with a `MessageTooLargeError`
   * and write nothing of the call (in a multi-value `produce` or a `produceTo` batch, no value of it);
   * a consumer moves an entry whose value field is larger to the dead-letter stream with reason
   * `too-large`, without decoding it, and goes on. 1 to 536870912 (Redis's largest string).
   * Default 1048576 (1 MiB).
   */
  readonly maxMessageBytes?: number;
  /** How long `produce` waits for the broker before it rejects with a retriable `TimeoutError`, in ms. Default 5000. */
  readonly produceTimeoutMs?: number;
  /** How long `close()` waits for in-flight deliveries to be settled, in ms. Default 10000. */
  readonly closeTimeoutMs?: number;
  /**
   * How long `ready()` waits for the command connection, in ms, before it rejects with a
   * `TransportError` (code `CONNECTION`) naming the server and the last connection error. 1 or more,
   * or `Infinity`. Default 10000.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Consumers of this service's groups (on the streams it consumes) that hold no pending entry and
   * have been idle (no read, no claim) for longer than this, in ms, are removed from the group now and
   * then: consumers of instances that are gone, also those that died holding entries once the claim
   * walk has taken their entries over. Keep it well above `blockMs` and `claimIdleAfterMs`.
   * Default 3600000 (1 hour).
   */
  readonly consumerExpiryMs?: number;
  /**
   * Replicated produce: `produce` (and `produceTo`) resolves only once `WAIT replicas timeoutMs`
   * confirms that `replicas` replicas have the entries, on each master written to; fewer within
   * `timeoutMs` rejects with a retriable `ReplicationTimeoutError` (the entries are on the master).
   * `broadcast` is not affected. Needs `redis`: the in-memory broker has no replicas, so it refuses the
   * option. Default: none (resolve once the master has the entries).
   */
  readonly durability?: DurabilityOptions;
  /** Scheduler of every timer of the service. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Receives problems that do not stop consumption: a broker failure that is being retried, an ack or
   * a dead-letter move that failed (the entry stays pending). A listener that throws is logged, never
   * propagated. Default: `console.error`.
   */
  readonly onError?: (error: unknown) => void;
}

/** Defaults of {@link EventServiceOptions}. */
export const DEFAULT_EVENT_SERVICE_OPTIONS = Object.freeze({
  prefix: '',
  closeTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  produceTimeoutMs: 5000,
  consumerExpiryMs: 3_600_000,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
});

/** The largest `maxMessageBytes`: Redis's `proto-max-bulk-len` default, 512 MiB. */
const MAX_MESSAGE_BYTES_LIMIT = 536_870_912;

/** {@link EventServiceOptions} after validation, with defaults filled in. */
export interface ResolvedEventServiceOptions {
  readonly group: string;
  readonly consumer: string;
  readonly prefix: string;
  readonly closeTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly produceTimeoutMs: number;
  readonly consumerExpiryMs: number;
  readonly maxMessageBytes: number;
  readonly durability: DurabilityOptions | undefined;
  readonly scheduler: SchedulerLike;
  readonly onError: (error: unknown) => void;
}

/** Validates options and fills in defaults; throws `TypeError`/`RangeError` naming the bad option. */
export function eventServiceOptionsWithDefaults(options: EventServiceOptions): ResolvedEventServiceOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('rx-redis-events: createEventService needs an options object with at least { group }');
  }
  assertName(options.group, 'createEventService option group');
  const consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  assertName(consumer, 'createEventService option consumer');
  const prefix = options.prefix === undefined ? DEFAULT_EVENT_SERVICE_OPTIONS.prefix : options.prefix;
  assertPrefix(prefix, 'createEventService option prefix');
  const limits = limitsOf(options);
  if ('redis' in options) redisOptionKind(options.redis, 'createEventService option redis');
  if (options.redis !== undefined && options.broker !== undefined) {
    throw new TypeError('rx-redis-events: createEventService takes either redis or broker, not both');
  }
  const durability = durabilityOf(options);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError('rx-redis-events: createEventService option onError must be a function');
  }
  return {
    group: options.group,
    consumer,
    prefix,
    ...limits,
    durability,
    scheduler: options.scheduler ?? asyncScheduler,
    onError: neverThrowing(options.onError ?? ((error) => console.error('rx-redis-events:', error))),
  };
}

/** Validates the timeouts and `maxMessageBytes`, one after the other, and fills in their defaults. */
function limitsOf(options: EventServiceOptions): Pick<ResolvedEventServiceOptions, 'closeTimeoutMs' | 'connectTimeoutMs' | 'produceTimeoutMs' | 'consumerExpiryMs' | 'maxMessageBytes'> {
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_EVENT_SERVICE_OPTIONS.closeTimeoutMs;
  assertDuration(closeTimeoutMs, 'createEventService option closeTimeoutMs');
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_EVENT_SERVICE_OPTIONS.connectTimeoutMs;
  assertDuration(connectTimeoutMs, 'createEventService option connectTimeoutMs', 1, true);
  const produceTimeoutMs = options.produceTimeoutMs ?? DEFAULT_EVENT_SERVICE_OPTIONS.produceTimeoutMs;
  assertDuration(produceTimeoutMs, 'createEventService option produceTimeoutMs', 1, true);
  const consumerExpiryMs = options.consumerExpiryMs ?? DEFAULT_EVENT_SERVICE_OPTIONS.consumerExpiryMs;
  assertDuration(consumerExpiryMs, 'createEventService option consumerExpiryMs', 1);
  const maxMessageBytes = options.maxMessageBytes === undefined ? DEFAULT_EVENT_SERVICE_OPTIONS.maxMessageBytes : options.maxMessageBytes;
  assertInteger(maxMessageBytes, 'createEventService option maxMessageBytes', 1, MAX_MESSAGE_BYTES_LIMIT);
  return { closeTimeoutMs, connectTimeoutMs, produceTimeoutMs, consumerExpiryMs, maxMessageBytes };
}

/** Validates `durability` (a copy, so later changes to the caller's object do not matter). */
function durabilityOf(options: EventServiceOptions): DurabilityOptions | undefined {
  const { durability } = options;
  if (durability === undefined) return undefined;
  if (typeof durability !== 'object' || durability === null) {
    throw new TypeError(`rx-redis-events: createEventService option durability must be an object { replicas, timeoutMs }, got ${describe(durability)}`);
  }
  assertInteger(durability.replicas, 'createEventService option durability.replicas', 1);
  // WAIT with timeout 0 would wait for ever
  assertInteger(durability.timeoutMs, 'createEventService option durability.timeoutMs', 1, MAX_TIMER_MS);
  if (options.redis === undefined) {
    throw new TypeError('rx-redis-events: createEventService option durability needs redis: the in-memory broker has no replicas to confirm the entries');
  }
  return { replicas: durability.replicas, timeoutMs: durability.timeoutMs };
}

/** A listener that throws must never break consumption or crash the process: its error is logged instead. */
function neverThrowing(onError: (error: unknown) => void): (error: unknown) => void {
  return (error) => {
    try {
      onError(error);
    } catch (thrown) {
      console.error('rx-redis-events: the onError listener threw', thrown, 'while reporting', error);
    }
  };
}
