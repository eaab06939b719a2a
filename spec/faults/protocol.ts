/*
 * The command line and the output of `worker.ts`: what the harness asks a worker to do, and the
 * lines it prints.
 */

/** What `worker.ts` runs: one consumer subscription, or one producer. */
export type WorkerConfig = ConsumerConfig | ProducerConfig | ForwarderConfig;

interface CommonConfig {
  readonly url: string;
  readonly prefix: string;
  readonly stream: string;
  /** The service's group (a producer's group does not matter). */
  readonly group: string;
  /** The service's consumer id; its subscription is the Redis consumer `<consumer>#1`. */
  readonly consumer: string;
  readonly produceTimeoutMs?: number;
  /** The service's `consumerExpiryMs`. Default: the library's. */
  readonly consumerExpiryMs?: number;
  /** Partitions of the stream. Default 1. */
  readonly partitions?: number;
  /** With this, event `{ n }` has the partition key `k<n mod keys>`. Default: no key. */
  readonly keys?: number;
  /** With this, event `{ n }` has the idempotency key `n<n>` (a batch produced again appends nothing twice). Default: none. */
  readonly idempotencyKeys?: boolean;
}

export interface ConsumerConfig extends CommonConfig {
  readonly mode: 'consume';
  readonly claimIdleAfterMs?: number;
  readonly maxInFlight?: number;
  readonly maxDeliveries?: number;
  readonly blockMs?: number;
  /** Time each handler takes, in ms. Default 0. */
  readonly handlerDelayMs?: number;
  /** Time a handler takes on an event's first delivery, in ms (later deliveries take `handlerDelayMs`). Default `handlerDelayMs`. */
  readonly firstDeliveryDelayMs?: number;
  readonly maxHandlingMs?: number;
  /** Handlers running at once. Default 1. */
  readonly concurrency?: number;
  /** Ack only in batches of this many processed events (default: each one as its handler ends, by `ackAfter`). */
  readonly ackEvery?: number;
  /** Consume with `ordered: true`. */
  readonly ordered?: boolean;
}

/** A consumer that forwards each event `{ n }` as `{ n, part }` for part 0 .. outputs - 1 to `target` (`forwardTo`). */
export interface ForwarderConfig extends Omit<ConsumerConfig, 'mode' | 'ackEvery'> {
  readonly mode: 'forward';
  readonly target: string;
  /** Partitions of the target. Default 1. */
  readonly targetPartitions?: number;
  readonly outputs: number;
  /** Each ack waits this long after the outputs are appended: a kill then finds entries appended and not acked. Default 0. */
  readonly ackDelayMs?: number;
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
}

/** What a worker prints about one handler call. */
interface HandlerLine {
  readonly group: string;
  readonly consumer: string;
  readonly n: number;
  readonly id: string;
  readonly count: number;
}

/** One line of a worker's stdout. */
export type WorkerEvent =
  | { readonly event: 'ready' | 'done' | 'closed' }
  | ({ readonly event: 'started' } & HandlerLine)
  | ({ readonly event: 'processed' } & HandlerLine)
  | { readonly event: 'stuck'; readonly id: string; readonly handlingMs: number }
  | { readonly event: 'produced'; readonly n: number; readonly id: string }
  | { readonly event: 'produce-error'; readonly n: number; readonly retriable: boolean; readonly message: string; readonly ms: number }
  | { readonly event: 'error'; readonly message: string };

/**
 * A line as a worker prints it: the event, and the worker's clock (ms since epoch) when it printed it.
 * The workers run on one machine, so sorting lines of several workers by it gives the order they were
 * printed in; the order they are read in by the harness does not (it may read one pipe later than another).
 */
export type PrintedLine = WorkerEvent & { readonly printedAt: number };
