import { Observable, type Subscription } from 'rxjs';
import { iterateDeliveries } from '../consumer/iterateDeliveries';
import { consumeOptionsWithDefaults, DEFAULT_CONSUME_OPTIONS, type ConsumeOptions } from '../consumer/consumeOptions';
import type { Delivery } from '../consumer/Delivery';
import type { EventStream } from '../definitions/eventStream';
import { ServiceClosedError } from '../errors/ServiceClosedError';
import { assertSignal, untilAborted } from '../internal/abortSignal';
import type { EventConsumer } from '../operators/EventConsumer';
import type { EventProducer } from '../producer/EventProducer';
import { idempotencyKeysOf, type GivenKeys } from '../producer/idempotencyKeys';
import { PRODUCE_KEYED } from '../producer/keyedProduce';
import { requireCapability } from '../transport/StreamTransport';
import { isPromiseLike } from '../validation/checkValue';
import { outputsToWrite } from '../validation/validateCall';
import { assertDefinition } from './assertDefinition';
import { EventServiceBroadcast } from './EventServiceBroadcast';
import type { ServiceTransports } from './EventServiceLifecycle';
import type { ResolvedEventServiceOptions } from './eventServiceOptions';

// EventService is built in layers, one job each, each file extending the one before:
// EventServiceLifecycle (its parts, ready, health, close) <- EventServiceAdmin (trim, dead letters, describe,
// read, groups, history) <- EventServiceScheduling (schedule) <- EventServiceBroadcast (listen, broadcast)
// <- EventService, here: consuming and producing events.

/**
 * One instance of one micro-service: consumes and produces event streams, listens to and publishes
 * broadcast streams. Create it with `createEventService`.
 */
export class EventService extends EventServiceBroadcast {
  /** Makes a service on these transports (what `createEventService` does). @internal */
  static create(options: ResolvedEventServiceOptions, transports: ServiceTransports): EventService {
    return new EventService(options, transports);
  }

  /** Use `createEventService`. */
  private constructor(options: ResolvedEventServiceOptions, transports: ServiceTransports) {
    super(options, transports);
  }

  /**
   * **Cold.** Subscribing joins the group as one new consumer (two subscriptions are two consumers) and
   * emits deliveries; unsubscribing leaves the group's reading without losing anything: un-acked
   * deliveries stay pending and are delivered again later. Completes when the service closes.
   * Never holds more than `maxInFlight` un-acked deliveries. A stream of several partitions is read
   * from all of them; with `ordered: true`, only from the partitions this instance holds the lease of,
   * one event per key at a time (see {@link ConsumeOptions.ordered}). With `options.signal`, completes
   * when the signal aborts, as unsubscribing would.
   */
  consume<T>(stream: EventStream<T>, options: ConsumeOptions = {}): Observable<Delivery<T>> {
    assertDefinition(stream, 'eventStream', 'consume');
    const resolved = consumeOptionsWithDefaults(options, this.options.scheduler, this.options.maxMessageBytes);
    assertSignal(options.signal, 'consume option signal');
    if (resolved.ordered) for (const needed of ['partitionLeases', 'claims'] as const) requireCapability(this.transports.streams, needed, 'consume with ordered');
    const deliveries = new Observable<Delivery<T>>((subscriber) => {
      if (!this.isOpen) return subscriber.error(new ServiceClosedError('consume', this.group));
      return this.consumers.start(stream, resolved, subscriber);
    });
    return untilAborted(deliveries, options.signal);
  }

  /**
   * `consume(stream, options)` as an `AsyncIterable` for `for await`: the subscription starts with the
   * loop, and no more than `maxInFlight` deliveries are un-acked (those the loop has and those waiting
   * for it), so nothing is read past that while the loop body awaits. Leaving the loop (`break`,
   * `return`, a throw) ends the subscription as unsubscribing does: un-acked deliveries stay pending and
   * are delivered again later. `close()` and `options.signal` end the loop.
   */
  iterate<T>(stream: EventStream<T>, options: ConsumeOptions = {}): AsyncIterable<Delivery<T>> {
    const deliveries = this.consume(stream, options);
    return iterateDeliveries(deliveries, options.maxDeliveries ?? DEFAULT_CONSUME_OPTIONS.maxDeliveries);
  }

  /** Subscribes a UCloud-style consumer (`EventConsumer.Immediate` or `.Batched`); pipeline errors go to `onError`. */
  subscribe<T>(stream: EventStream<T>, consumer: EventConsumer<T>, options: ConsumeOptions = {}): Subscription {
    if (typeof consumer !== 'object' || consumer === null || typeof consumer.operator !== 'function') {
      throw new TypeError('rx-redis-events: subscribe needs an EventConsumer (EventConsumer.Immediate or EventConsumer.Batched)');
    }
    return this.consume(stream, options).pipe(consumer.operator).subscribe({ error: this.report });
  }

  /**
   * Appends the events in order; resolves with their entry ids once the broker has them all. With a
   * schema (`eventStream`'s `schema` option) every event is validated first and the schema's output is
   * written (its transforms and defaults applied); an invalid event rejects the call with a
   * `ValidationError` (its index in the call and the issues) and nothing of the call is written. Nothing
   * is written either if any event cannot be encoded (`EncodeError`, also for an idempotency key selector
   * that throws or returns a non-string) or encodes to more than `maxMessageBytes`
   * (`MessageTooLargeError`): every event of the call is encoded and checked before the first is
   * written. Rejects with a retriable `TimeoutError` when the broker does not answer within
   * `produceTimeoutMs` (the events may still be written). With the `durability` option, resolves
   * only once `WAIT` confirms the replicas on each master written to, and rejects with a retriable
   * `ReplicationTimeoutError` when fewer confirm within its `timeoutMs`.
   *
   * On Redis, the calls of one tick to one partition go out as one append (see the delivery guide);
   * each resolves with its own ids.
   *
   * The producer is idempotent: each append carries this instance's producer id and a sequence number,
   * and the broker applies it once however often the client sends it, answering the first ids
   * again (on Redis the append script remembers the last 64 calls per producer and partition, a few
   * dozen bytes each, for 10 minutes after the producer's last call). That covers what the library and its Redis client repeat on their own: the resend of an
   * unanswered call after a reconnect, and a cluster client's retry after a redirection or a
   * failover. Calling `produce` again with the same events is a new call and appends them again
   * (also after a `TimeoutError`): give the stream idempotency keys for that (`eventStream`'s
   * `idempotency` option); an event whose key was produced within the window is
   * not appended and its original id is answered in its place.
   */
  async produce<T>(stream: EventStream<T>, ...events: NoInfer<T>[]): Promise<string[]> {
    this.assertOpen('produce');
    assertDefinition(stream, 'eventStream', 'produce');
    if (events.length === 0) return [];
    const checked = outputsToWrite(stream, events);
    const values = isPromiseLike(checked) ? await checked : checked;
    return this.producing.write(stream, values, idempotencyKeysOf(stream, values));
  }

  /** `produce` with idempotency keys given by the caller (`forwardTo`); the stream's own selector wins. @internal */
  async [PRODUCE_KEYED]<T>(stream: EventStream<T>, events: readonly T[], given: GivenKeys): Promise<string[]> {
    this.assertOpen('produce');
    assertDefinition(stream, 'eventStream', 'produce');
    if (events.length === 0) return [];
    const checked = outputsToWrite(stream, events);
    const values = isPromiseLike(checked) ? await checked : checked;
    return this.producing.write(stream, values, idempotencyKeysOf(stream, values) ?? given);
  }

  /** A producer bound to one stream. */
  createProducer<T>(stream: EventStream<T>): EventProducer<T> {
    this.assertOpen('createProducer');
    assertDefinition(stream, 'eventStream', 'createProducer');
    return { stream, produce: (...events: T[]) => this.produce(stream, ...events) };
  }
}
