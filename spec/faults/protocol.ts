import type { AckAfterConfig, ConsumeOptions, EventService, EventServiceOptions, EventStream, EventStreamOptions } from 'rx-redis-events';
import { eventStream } from 'rx-redis-events';

/*
 * The reliability API of the issue ("dead letters, retention, produce timeouts"), as the fault specs
 * use it. The names are fixed by the issue; they are typed here so the specs compile while the
 * features land in src. Once src exports them, these types only restate them.
 */

/** `consume` options, with the dead-letter limit. */
export type FaultConsumeOptions = ConsumeOptions & { readonly maxDeliveries?: number | undefined };

/** `createEventService` options, with the produce timeout. */
export type FaultServiceOptions = EventServiceOptions & { readonly produceTimeoutMs?: number | undefined };

/** `ackAfter` config, with nack delays per failed delivery. */
export type RetryingAckAfterConfig = AckAfterConfig & { readonly retry?: { readonly delays: readonly number[] } };

/** `eventStream` retention. */
export interface Retention {
  readonly maxLength?: number;
  readonly maxAge?: number;
  readonly unsafeHardLimit?: boolean;
}

/** An entry of the dead-letter stream `<prefix><stream>:dlq`. */
export interface DeadLetter<T> {
  readonly id: string;
  readonly sourceId: string;
  readonly group: string;
  readonly reason: 'max-deliveries' | 'decode';
  readonly error: string;
  readonly deliveryCount: number;
  readonly key: string | undefined;
  readonly value: T | undefined;
}

/** The service methods the issue adds. */
export interface Reliability {
  deadLetters<T>(stream: EventStream<T>): Promise<DeadLetter<T>[]>;
  redrive(stream: EventStream<unknown>, options?: { ids?: string[]; group?: string }): Promise<string[]>;
  trim(stream: EventStream<unknown>): Promise<number>;
}

/** The service's reliability methods; a call to one that is not in src yet fails naming it. */
export function reliability(service: EventService): Reliability {
  const methods = service as unknown as Record<string, unknown>;
  const method = (name: keyof Reliability) => {
    const fn = methods[name];
    if (typeof fn !== 'function') throw new Error(`waiting on src: EventService.${name}() is not implemented yet`);
    return (fn as (...args: unknown[]) => unknown).bind(service);
  };
  return {
    deadLetters: (stream) => method('deadLetters')(stream) as never,
    redrive: (stream, options) => method('redrive')(stream, options) as never,
    trim: (stream) => method('trim')(stream) as never,
  };
}

/** `eventStream(name, { retention })`. */
export function retainedStream<T>(name: string, retention: Retention): EventStream<T> {
  const options: EventStreamOptions<T> & { retention: Retention } = { retention };
  return eventStream<T>(name, options);
}

/** What `worker.ts` runs: one consumer subscription, or one producer. */
export type WorkerConfig = ConsumerConfig | ProducerConfig;

interface CommonConfig {
  readonly url: string;
  readonly prefix: string;
  readonly stream: string;
  /** The service's group (a producer's group does not matter). */
  readonly group: string;
  /** The service's consumer id; its subscription is the Redis consumer `<consumer>#1`. */
  readonly consumer: string;
  readonly produceTimeoutMs?: number;
}

export interface ConsumerConfig extends CommonConfig {
  readonly mode: 'consume';
  readonly claimIdleAfterMs?: number;
  readonly maxInFlight?: number;
  readonly maxDeliveries?: number;
  readonly blockMs?: number;
  /** Time each handler takes, in ms. Default 0. */
  readonly handlerDelayMs?: number;
  /** Handlers running at once. Default 1. */
  readonly concurrency?: number;
  /** Ack only in batches of this many processed events (default: each one as its handler ends, by `ackAfter`). */
  readonly ackEvery?: number;
}

export interface ProducerConfig extends CommonConfig {
  readonly mode: 'produce';
  /** Events are `{ n }` for n = first .. first + count - 1. */
  readonly first: number;
  readonly count: number;
  readonly batchSize: number;
  /** Pause after each acknowledged batch. */
  readonly intervalMs: number;
  /** Pause before retrying a failed batch. Default 100. */
  readonly retryDelayMs?: number;
  /** Close and exit once everything is produced (default: wait for SIGTERM). */
  readonly exitWhenDone?: boolean;
}

/** One line of a worker's stdout. */
export type WorkerEvent =
  | { readonly event: 'ready' | 'done' | 'closed' }
  | { readonly event: 'processed'; readonly group: string; readonly consumer: string; readonly n: number; readonly id: string; readonly count: number }
  | { readonly event: 'produced'; readonly n: number; readonly id: string }
  | { readonly event: 'produce-error'; readonly n: number; readonly retriable: boolean; readonly message: string }
  | { readonly event: 'error'; readonly message: string };
