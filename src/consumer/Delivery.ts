import { MAX_TIMER_MS } from '../internal/validate';

/** Options of `Delivery.nack`. */
export interface NackOptions {
  /** Deliver the event again no sooner than this many milliseconds from now. Default 0. */
  readonly delayMs?: number;
  /** Why the handler failed; kept with the event if this was its last allowed delivery and it goes to the dead-letter stream. */
  readonly error?: unknown;
}

/**
 * One event handed to one consumer. Settle it once: `ack()` (done, never delivered to this group
 * again), `nack()` (deliver again later) or `deadLetter()` (never deliver again: to the dead-letter
 * stream now). The first call wins; later calls return the same promise. None blocks the consumer:
 * an unsettled delivery just keeps its place in `maxInFlight`, and its consumer keeps it from being
 * taken over (for up to `maxHandlingMs`). `ack`, `nack` and `deadLetter` are bound to their delivery:
 * they work detached too (`const { ack } = delivery`, `.then(delivery.ack)`).
 */
export interface Delivery<T> {
  /** The stream entry id, such as `1700000000000-0`. */
  readonly id: string;
  /** The decoded value. */
  readonly value: T;
  /** The stream's name (without prefix). */
  readonly stream: string;
  /** The partition key stored with the entry, if the stream has a key selector. */
  readonly key: string | undefined;
  /** The partition the entry is in, 0 to the stream's `partitions` - 1 (entry ids are unique per partition). */
  readonly partition: number;
  /** How many times the entry has been delivered to this group, this delivery included. */
  readonly deliveryCount: number;
  /** When the broker accepted the entry (from its id). */
  readonly producedAt: Date;
  /** Acknowledges the event; resolves once the broker has recorded it. */
  ack(): Promise<void>;
  /**
   * Gives the event back for redelivery after `delayMs`; resolves at once. On the last allowed delivery
   * (`maxDeliveries`), moves it to the dead-letter stream instead, and resolves once it is there.
   */
  nack(options?: NackOptions): Promise<void>;
  /**
   * Moves the event to the dead-letter stream at once, for an event the handler knows it can never
   * handle (it fails validation, it refers to something deleted): reason `rejected`, `reason` as the
   * letter's error, the current delivery count; acked on the source in the same atomic step.
   * Resolves once it is there; rejects when the broker failed (the event stays pending and comes back).
   */
  deadLetter(reason?: string): Promise<void>;
}

/** The fields of a delivery that the consumer knows when it reads an entry. */
export type DeliveryInit<T> = Omit<Delivery<T>, 'ack' | 'nack' | 'deadLetter'>;

/** How a delivery is settled: implemented by the consumer that emitted it. */
export interface DeliverySettler {
  ack(id: string, deliveryCount: number): Promise<void>;
  nack(id: string, deliveryCount: number, delayMs: number, error?: unknown): Promise<void>;
  /** `reason` is the handler's text, or undefined when it gave none. */
  deadLetter(id: string, deliveryCount: number, reason: string | undefined): Promise<void>;
}

/**
 * A delivery whose first `ack`/`nack`/`deadLetter` wins, from its fields one by one: what a consumer
 * calls per entry, without an object of its fields made first (see {@link createDelivery}).
 */
export function deliveryOf<T>(id: string, value: T, stream: string, key: string | undefined, partition: number, deliveryCount: number, producedAt: Date, settler: DeliverySettler): Delivery<T> {
  return new SettlingDelivery(id, value, stream, key, partition, deliveryCount, producedAt, settler);
}

/** Creates a delivery whose first `ack`/`nack`/`deadLetter` wins. */
export function createDelivery<T>(init: DeliveryInit<T>, settler: DeliverySettler): Delivery<T> {
  const { id, value, stream, key, partition, deliveryCount, producedAt } = init;
  return deliveryOf(id, value, stream, key, partition, deliveryCount, producedAt, settler);
}

/**
 * A delivery as an object whose settle methods are bound lazily: a getter makes the bound function on
 * first use and keeps it, so a delivery costs no closure until it is settled, and one when it is (the
 * consumer's hot path creates thousands a second). Detached, `ack`, `nack` and `deadLetter` still settle it.
 */
class SettlingDelivery<T> implements Delivery<T> {
  readonly id: string;
  readonly value: T;
  readonly stream: string;
  readonly key: string | undefined;
  readonly partition: number;
  readonly deliveryCount: number;
  readonly producedAt: Date;
  #settled: Promise<void> | undefined;
  readonly #settler: DeliverySettler;
  #ack: (() => Promise<void>) | undefined;
  #nack: ((options?: NackOptions | null) => Promise<void>) | undefined;
  #deadLetter: ((reason?: string) => Promise<void>) | undefined;

  constructor(id: string, value: T, stream: string, key: string | undefined, partition: number, deliveryCount: number, producedAt: Date, settler: DeliverySettler) {
    this.id = id;
    this.value = value;
    this.stream = stream;
    this.key = key;
    this.partition = partition;
    this.deliveryCount = deliveryCount;
    this.producedAt = producedAt;
    this.#settler = settler;
  }

  get ack(): () => Promise<void> {
    return (this.#ack ??= () => (this.#settled ??= this.#settler.ack(this.id, this.deliveryCount)));
  }

  get nack(): (options?: NackOptions | null) => Promise<void> {
    return (this.#nack ??= (options) => this.#settleNack(options));
  }

  get deadLetter(): (reason?: string) => Promise<void> {
    return (this.#deadLetter ??= (reason) => this.#settleDeadLetter(reason));
  }

  #settleNack(options: NackOptions | null | undefined): Promise<void> {
    if (this.#settled) return this.#settled;
    const delayMs = options?.delayMs ?? 0;
    if (typeof delayMs !== 'number' || !(delayMs >= 0) || !(delayMs <= MAX_TIMER_MS)) {
      return Promise.reject(new RangeError(`rx-redis-events: nack delayMs must be a number of milliseconds between 0 and ${MAX_TIMER_MS}, got ${String(delayMs)}`));
    }
    return (this.#settled = this.#settler.nack(this.id, this.deliveryCount, delayMs, options?.error));
  }

  #settleDeadLetter(reason: string | undefined): Promise<void> {
    if (this.#settled) return this.#settled;
    if (reason !== undefined && typeof reason !== 'string') {
      return Promise.reject(new TypeError(`rx-redis-events: deadLetter reason must be a string, got ${reason === null ? 'null' : typeof reason}`));
    }
    return (this.#settled = this.#settler.deadLetter(this.id, this.deliveryCount, reason));
  }
}
