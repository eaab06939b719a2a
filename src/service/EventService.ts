import { asapScheduler, firstValueFrom, forkJoin, from, map, Observable, race, throwError, timer, type Subscriber, type Subscription } from 'rxjs';
import { BroadcastHub } from '../broadcast/BroadcastHub';
import { encodeEntry, encodeValue } from '../codec/entryCodec';
import { AckCoalescer, type PendingAck } from '../consumer/AckCoalescer';
import { consumeOptionsWithDefaults, DEFAULT_CONSUME_OPTIONS, type ConsumeOptions } from '../consumer/consumeOptions';
import { iterateDeliveries } from '../consumer/iterateDeliveries';
import { ConsumerLoop } from '../consumer/ConsumerLoop';
import type { ConsumerContext } from '../consumer/ConsumerContext';
import type { Delivery } from '../consumer/Delivery';
import type { EventConsumer } from '../consumer/EventConsumer';
import type { BroadcastStream } from '../definitions/broadcastStream';
import type { EventStream } from '../definitions/eventStream';
import { ServiceClosedError } from '../errors/ServiceClosedError';
import { deadLetterKeyOf, membersKeyOf, partitionKeys } from '../partitions/streamLayout';
import { OrderedConsumer } from '../ordering/OrderedConsumer';
import type { ConsumerRun } from '../consumer/ConsumerRun';
import { idsInCallOrder, routeToPartitions } from '../partitions/routeToPartitions';
import type { DeadLetter } from '../deadLetters/DeadLetter';
import { listDeadLetters, redriveDeadLetters, type DeadLettersOptions, type RedriveOptions } from '../deadLetters/deadLetterOps';
import { TimeoutError } from '../errors/TimeoutError';
import { ReplicationTimeoutError } from '../errors/ReplicationTimeoutError';
import { timeoutAfter, withTimeout } from '../internal/withTimeout';
import { Instrument } from '../instrumentation/Instrument';
import { loadOpenTelemetry } from '../tracing/loadOpenTelemetry';
import { Tracing } from '../tracing/Tracing';
import type { ConnectionRole, InstrumentationEvent } from '../instrumentation/InstrumentationEvent';
import { RetentionTrimmer } from '../retention/RetentionTrimmer';
import type { EventProducer } from '../producer/EventProducer';
import type { PubSubTransport } from '../transport/PubSubTransport';
import { requireCapability, type StreamAdmin, type StreamTransport } from '../transport/StreamTransport';
import type { ResolvedEventServiceOptions } from './eventServiceOptions';
import { assertDefinition, assertSinglePartition } from './assertDefinition';
import { describeStream } from '../describe/describeStream';
import type { StreamDescription } from '../describe/StreamDescription';
import { checkServer } from '../health/checkServer';
import type { ServiceHealth } from '../health/ServiceHealth';
import { ConsumerNames } from './ConsumerNames';
import { readStream, type ReadOptions, type ReadPage } from './readStream';
import { ProducerSequences } from '../producer/ProducerSequences';
import { idempotencyKeysOf, type GivenKeys } from '../producer/idempotencyKeys';
import { PRODUCE_KEYED } from '../producer/keyedProduce';
import { appendRequest } from '../producer/appendRequest';
import { assertSignal, untilAborted } from '../internal/abortSignal';
import { asyncDispose } from '../internal/asyncDispose';
import { listenSignal, type ListenOptions } from '../broadcast/listenOptions';

/** The transports a service runs on. */
export interface ServiceTransports {
  readonly streams: StreamTransport;
  readonly pubsub: PubSubTransport;
  /** Where the transport tells about lost and restored connections (the in-memory broker never loses one). */
  readonly onConnectionChange?: (listener: (connection: ConnectionRole, state: 'lost' | 'restored') => void) => void;
}

/**
 * One instance of one micro-service: consumes and produces event streams, listens to and publishes
 * broadcast streams. Create it with `createEventService`.
 */
export class EventService implements AsyncDisposable {
  /** The group (micro-service name) of this instance. */
  readonly group: string;
  /** This instance's consumer id. */
  readonly consumer: string;
  /**
   * **Hot**: what the service does, as typed events (`consumer.delivered`, `consumer.acked`,
   * `consumer.claimed`, `consumer.deadLettered`, `consumer.stuck`, `producer.produced`, `retention.trimmed`,
   * `connection.lost`, ...), each with a timestamp and its stream and group, from the moment of
   * subscribing. Completes when the service closes. Events are only built while someone listens:
   * without a listener it costs nothing measurable. A listener that throws does not disturb
   * consumption or the other listeners; RxJS reports its error as unhandled (`config.onUnhandledError`),
   * as for any Observable.
   */
  readonly instrumentation$: Observable<InstrumentationEvent>;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;
  private readonly acks: AckCoalescer;
  private readonly hub: BroadcastHub;
  private readonly loops = new Map<ConsumerRun, Subscriber<Delivery<unknown>>>();
  /** Active consume subscriptions, for `health()`. */
  private readonly subscriptions = new Map<ConsumerRun, { readonly stream: string; readonly consumer: string }>();
  private readonly names: ConsumerNames;
  /** The consumers this service joined groups with, by stream key: `close()` removes those that hold nothing. */
  private readonly joined = new Map<string, Set<string>>();
  private readonly context: ConsumerContext;
  private readonly retention: RetentionTrimmer;
  private readonly instrument: Instrument;
  private readonly roundRobins = new Map<string, { next: number }>();
  /** This instance's idempotent producer. */
  private readonly producers = new ProducerSequences();
  /** Trace propagation, when `@opentelemetry/api` is installed. */
  private readonly tracing: Tracing | undefined;
  /** Reports a problem to `onError` and to `instrumentation$`. */
  private readonly report: (error: unknown) => void;

  /** @internal Use `createEventService`. */
  constructor(
    private readonly options: ResolvedEventServiceOptions,
    private readonly transports: ServiceTransports,
  ) {
    this.group = options.group;
    this.consumer = options.consumer;
    this.names = new ConsumerNames(options.consumer);
    const instrument = (this.instrument = new Instrument(options.group, options.scheduler));
    const openTelemetry = loadOpenTelemetry();
    const servers = transports.streams.capabilities.servers;
    this.tracing = openTelemetry ? new Tracing(openTelemetry, options.group, servers && ((key) => servers.serverOf(key))) : undefined;
    this.instrumentation$ = instrument.events$;
    this.report = (error) => {
      options.onError(error);
      if (instrument.on) instrument.emit({ type: 'service.error', error });
    };
    transports.onConnectionChange?.((connection, state) => {
      if (instrument.on) instrument.emit({ type: state === 'lost' ? 'connection.lost' : 'connection.restored', connection });
    });
    // asap, not options.scheduler: after the current synchronous work, which under TestScheduler.run is the
    // same virtual frame, and outside it a microtask, so an ack made after the flush (an async handler's) still goes out
    this.acks = new AckCoalescer(transports.streams, this.report, asapScheduler);
    this.hub = new BroadcastHub(transports.pubsub, options.prefix, this.report, options.maxMessageBytes);
    this.retention = new RetentionTrimmer(transports.streams, options.scheduler, this.report, instrument);
    this.context = {
      transport: transports.streams,
      ack: (key, id) => this.ack(key, id),
      deadLetterKey: deadLetterKeyOf,
      group: options.group,
      report: this.report,
      instrument,
      tracing: this.tracing,
      consumerExpiryMs: options.consumerExpiryMs,
    };
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
      if (this.state !== 'open') return subscriber.error(new ServiceClosedError('consume', this.group));
      const name = this.names.take(stream.name);
      const keys = this.keysOf(stream);
      for (const key of keys) this.joined.set(key, (this.joined.get(key) ?? new Set()).add(name.name));
      // every partition is read by a loop of its own; they share the window
      const perPartition = keys.length === 1 ? resolved : { ...resolved, maxInFlight: Math.ceil(resolved.maxInFlight / keys.length) };
      const loops: (ConsumerLoop<T> | OrderedConsumer<T>)[] = perPartition.ordered
        ? [new OrderedConsumer<T>(this.context, stream, keys, name.name, membersKeyOf(this.options.prefix, stream, this.group), perPartition, subscriber)]
        : keys.map((key, partition) => new ConsumerLoop<T>(this.context, { stream, key, partition, consumer: name.name }, perPartition, subscriber));
      for (const loop of loops) {
        this.loops.set(loop, subscriber);
        this.subscriptions.set(loop, { stream: stream.name, consumer: name.name });
        loop.start();
      }
      return () => {
        for (const loop of loops) {
          this.subscriptions.delete(loop);
          loop.stop();
        }
        // Deliveries already emitted may still be in a handler: close() waits for them too.
        void Promise.all(loops.map((loop) => loop.whenSettled())).then(() => {
          for (const loop of loops) this.loops.delete(loop);
          name.release();
        });
      };
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
   * Appends the events in order; resolves with their entry ids once the broker has them all. Nothing
   * is written if any event cannot be encoded (`EncodeError`, also for an idempotency key selector
   * that throws or returns a non-string) or encodes to more than `maxMessageBytes`
   * (`MessageTooLargeError`): every event of the call is encoded and checked before the first is
   * written. Rejects with a retriable `TimeoutError` when the broker does not answer within
   * `produceTimeoutMs` (the events may still be written). With the `durability` option, resolves
   * only once `WAIT` confirms the replicas on each master written to, and rejects with a retriable
   * `ReplicationTimeoutError` when fewer confirm within its `timeoutMs`.
   *
   * The producer is idempotent: each call carries this instance's producer id and a sequence number,
   * and the broker applies a call once however often the client sends it, answering the first ids
   * again (on Redis the append script remembers the last 64 calls per producer and partition, a few
   * dozen bytes each, for 10 minutes after the producer's last call). That covers what the library and its Redis client repeat on their own: the resend of an
   * unanswered call after a reconnect, and a cluster client's retry after a redirection or a
   * failover. Calling `produce` again with the same events is a new call and appends them again
   * (also after a `TimeoutError`): give the stream idempotency keys for that (`eventStream`'s
   * `idempotency` option); an event whose key was produced within the window is
   * not appended and its original id is answered in its place.
   */
  async produce<T>(stream: EventStream<T>, ...events: T[]): Promise<string[]> {
    this.assertOpen('produce');
    assertDefinition(stream, 'eventStream', 'produce');
    if (events.length === 0) return [];
    return this.write(stream, events, idempotencyKeysOf(stream, events));
  }

  /** `produce` with idempotency keys given by the caller (`forwardTo`); the stream's own selector wins. @internal */
  async [PRODUCE_KEYED]<T>(stream: EventStream<T>, events: readonly T[], given: GivenKeys): Promise<string[]> {
    this.assertOpen('produce');
    assertDefinition(stream, 'eventStream', 'produce');
    if (events.length === 0) return [];
    return this.write(stream, events, idempotencyKeysOf(stream, events) ?? given);
  }

  private async write<T>(stream: EventStream<T>, events: readonly T[], idempotency: GivenKeys | undefined): Promise<string[]> {
    const encoded = events.map((event) => encodeEntry(stream, event, this.options.maxMessageBytes));
    const keys = this.keysOf(stream);
    const trace = this.tracing?.startProduce(stream.name, keys, events.length);
    const entries = trace && Object.keys(trace.fields).length > 0 ? encoded.map((fields) => ({ ...fields, ...trace.fields })) : encoded;
    const { produceTimeoutMs, scheduler } = this.options;
    const { streams } = this.transports;
    const request = (key: string, positions?: readonly number[]) => appendRequest(this.producers.of(key), key, idempotency, positions);
    // several partitions: one append per partition the call touches, sent together
    const batches = keys.length === 1 ? undefined : routeToPartitions(keys, entries, this.roundRobin(stream), idempotency?.keys);
    const appended = batches
      ? forkJoin(batches.map((batch) => streams.append(batch.key, batch.entries, request(batch.key, batch.positions)))).pipe(map((idsPerBatch) => idsInCallOrder(batches, idsPerBatch, entries.length)))
      : streams.append(keys[0] as string, entries, request(keys[0] as string));
    let ids: string[];
    try {
      // an Observable to the end: a backend that answers at once (memory) does so before the timeout's timer starts, also in virtual time
      ids = await firstValueFrom(appended.pipe(timeoutAfter(produceTimeoutMs, scheduler, () => new TimeoutError('produce', stream.name, produceTimeoutMs))));
      if (this.options.durability) await this.replicated(stream.name, batches ? batches.map((batch) => batch.key) : keys);
    } catch (error) {
      trace?.end(error);
      throw error;
    }
    trace?.end();
    if (this.instrument.on) this.instrument.emit({ type: 'producer.produced', stream: stream.name, ids });
    for (const key of batches ? batches.map((batch) => batch.key) : keys) this.retention.afterProduce(stream as EventStream<unknown>, key);
    return ids;
  }

  /** Applies the stream's retention limits now; resolves with the number of entries removed. */
  async trim<T>(stream: EventStream<T>): Promise<number> {
    this.assertOpen('trim');
    assertDefinition(stream, 'eventStream', 'trim');
    const removed = await Promise.all(this.keysOf(stream).map((key) => this.retention.trim(stream as EventStream<unknown>, key)));
    return removed.reduce((sum, count) => sum + count, 0);
  }

  /** The stream's dead letters (every group's), oldest first. */
  async deadLetters<T>(stream: EventStream<T>, options: DeadLettersOptions = {}): Promise<DeadLetter<T>[]> {
    this.assertOpen('deadLetters');
    assertDefinition(stream, 'eventStream', 'deadLetters');
    return listDeadLetters<T>(this.admin('deadLetters'), stream.name, this.keysOf(stream).map(deadLetterKeyOf), options.limit ?? 1000);
  }

  /** Puts dead letters (all, or those chosen by `ids`/`group`) back on the stream, each for the group it died in; resolves with the new ids. */
  async redrive<T>(stream: EventStream<T>, options: RedriveOptions = {}): Promise<string[]> {
    this.assertOpen('redrive');
    assertDefinition(stream, 'eventStream', 'redrive');
    return redriveDeadLetters(this.admin('redrive'), stream.name, this.keysOf(stream), options);
  }

  /**
   * The stream's length, first and last ids, retention, and for each group its consumers (pending,
   * idle), pending count, lag, last delivered id, oldest pending entry's age and dead letters; the
   * stream's dead-letter count. A stream that does not exist describes as length 0 with no groups.
   * Reads only: nothing is created.
   */
  async describe<T>(stream: EventStream<T>): Promise<StreamDescription> {
    this.assertOpen('describe');
    assertDefinition(stream, 'eventStream', 'describe');
    const targets = this.keysOf(stream).map((key) => ({ key, deadLetterKey: this.context.deadLetterKey(key) }));
    return describeStream(this.admin('describe'), stream as EventStream<unknown>, targets, () => this.options.scheduler.now());
  }

  /**
   * The command connection's state, the active `consume` subscriptions (stream, consumer, deliveries
   * in flight) and `listen` subscriptions (channel), and warnings that matter for data safety read
   * from the server (persistence off, an evicting `maxmemory-policy`, Redis older than 7.0). Never
   * rejects for the server: a refused `CONFIG` or a server that does not answer within
   * `produceTimeoutMs` is reported as a warning.
   */
  async health(): Promise<ServiceHealth> {
    this.assertOpen('health');
    const warnings = await checkServer(this.transports.streams, this.options.produceTimeoutMs, this.options.scheduler);
    const consumers = [...this.subscriptions].map(([loop, { stream, consumer }]) => ({ stream, consumer, inFlight: loop.inFlightCount }));
    const listeners = this.hub.activeChannels().map((channel) => ({ channel }));
    return { connection: this.transports.streams.connectionState(), consumers, listeners, warnings };
  }

  /**
   * Reads one page of the stream after `options.after` (an entry id, such as a browser's
   * `Last-Event-ID`), oldest first, without a group: nothing is created, delivered or acked, so any
   * number of readers can page through the stream without disturbing its groups. For a live view
   * over HTTP see `serveEventStream` in `rx-redis-events/http`.
   */
  async read<T>(stream: EventStream<T>, options: ReadOptions = {}): Promise<ReadPage<T>> {
    this.assertOpen('read');
    assertDefinition(stream, 'eventStream', 'read');
    assertSinglePartition(stream, 'read');
    return readStream(this.admin('read'), stream, this.options.prefix + stream.name, options, this.report);
  }

  /** The id of the stream's last entry, `undefined` while the stream is empty: where a reader of only new entries starts. */
  async lastId<T>(stream: EventStream<T>): Promise<string | undefined> {
    this.assertOpen('lastId');
    assertDefinition(stream, 'eventStream', 'lastId');
    assertSinglePartition(stream, 'lastId');
    return this.admin('lastId').lastId(this.options.prefix + stream.name);
  }

  /** A producer bound to one stream. */
  createProducer<T>(stream: EventStream<T>): EventProducer<T> {
    this.assertOpen('createProducer');
    assertDefinition(stream, 'eventStream', 'createProducer');
    return { stream, produce: (...events: T[]) => this.produce(stream, ...events) };
  }

  /**
   * **Hot**, shared inside this instance: however many subscribers, one broker subscription per
   * channel, dropped when the last subscriber unsubscribes. Only messages published while the
   * subscription is active arrive. Completes when the service closes, or when `options.signal` aborts.
   */
  listen<T>(broadcast: BroadcastStream<T>, options: ListenOptions = {}): Observable<T> {
    assertDefinition(broadcast, 'broadcastStream', 'listen');
    const signal = listenSignal(options);
    if (this.state !== 'open') return untilAborted(new Observable<T>((subscriber) => subscriber.error(new ServiceClosedError('listen', this.group))), signal);
    return untilAborted(this.hub.listen(broadcast), signal);
  }

  /** Resolves once the broker subscription behind `listen(broadcast)` is active (a message published after that arrives). */
  listening(broadcast: BroadcastStream<unknown>): Promise<void> {
    assertDefinition(broadcast, 'broadcastStream', 'listening');
    return this.hub.listening(broadcast);
  }

  /** Publishes a message to every live listener of the broadcast stream, in every service; a message over `maxMessageBytes` is refused with `MessageTooLargeError`. */
  async broadcast<T>(broadcast: BroadcastStream<T>, message: T): Promise<void> {
    this.assertOpen('broadcast');
    assertDefinition(broadcast, 'broadcastStream', 'broadcast');
    await this.transports.pubsub.publish(this.options.prefix + broadcast.name, encodeValue(broadcast.name, message, this.options.maxMessageBytes));
  }

  /**
   * Stops reading, waits (at most `closeTimeoutMs`) for in-flight deliveries to be acked or nacked
   * (their leases renewed meanwhile), flushes acks, removes this service's consumers that hold nothing
   * from their groups, completes every `consume` and `listen` Observable and disconnects. Deliveries not
   * settled in time stay pending and are delivered again later. Afterwards every method rejects
   * with `ServiceClosedError`. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** `close()`, so that `await using service = createEventService(…)` closes the service at the end of the scope. */
  [asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    const loops = [...this.loops];
    for (const [loop] of loops) loop.stop();
    this.hub.completeAll(() => new ServiceClosedError('listen', this.group));
    const settled = from(Promise.all(loops.map(([loop]) => loop.whenSettled())));
    await firstValueFrom(race(settled, timer(this.options.closeTimeoutMs, this.options.scheduler)));
    for (const [loop] of loops) loop.abandon(); // deliveries not settled in time go idle and are taken over
    // acks still unanswered after closeTimeoutMs are given up on: those entries stay pending and come back
    await firstValueFrom(race(from(this.acks.flush()), timer(this.options.closeTimeoutMs, this.options.scheduler)));
    await firstValueFrom(race(from(this.leaveGroups()), timer(this.options.closeTimeoutMs, this.options.scheduler)));
    await this.retention.idle();
    this.state = 'closed';
    for (const [, subscriber] of loops) subscriber.complete();
    this.instrument.complete();
    await Promise.allSettled([this.transports.streams.close(), this.transports.pubsub.close()]);
  }

  /** Removes this service's consumers that hold nothing from their groups (one that still holds entries stays, for a takeover). */
  private async leaveGroups(): Promise<void> {
    const { streams } = this.transports;
    const hygiene = streams.capabilities.hygiene;
    if (!hygiene) return; // a backend without it keeps its consumers
    const left = [...this.joined].map(([key, consumers]) => firstValueFrom(hygiene.removeConsumers(key, this.group, [...consumers])));
    for (const result of await Promise.allSettled(left)) if (result.status === 'rejected') this.report(result.reason);
  }

  private ack(key: string, id: string): PendingAck {
    if (this.state === 'closed') {
      const error = new ServiceClosedError('ack', this.group);
      this.report(error);
      return { answered: throwError(() => error), done: Promise.reject(error) };
    }
    return this.acks.ack(key, this.group, id);
  }

  /**
   * With `durability`: resolves once `WAIT` confirms that enough replicas of each master written to
   * have the entries just appended to `keys`, and rejects with `ReplicationTimeoutError` otherwise.
   */
  private async replicated(stream: string, keys: readonly string[]): Promise<void> {
    const { durability, produceTimeoutMs, scheduler } = this.options;
    if (!durability) return;
    const { replicas, timeoutMs } = durability;
    // construction refuses durability without replicas (memory), so a transport without them counts 0
    const confirming = this.transports.streams.capabilities.replicas?.confirmReplicas(keys, replicas, timeoutMs) ?? Promise.resolve(0);
    // the server answers by timeoutMs; produceTimeoutMs more for a master that does not answer at all
    const acknowledged = await withTimeout(confirming, timeoutMs + produceTimeoutMs, scheduler, () => new ReplicationTimeoutError(stream, replicas, 0, timeoutMs));
    if (acknowledged < replicas) throw new ReplicationTimeoutError(stream, replicas, acknowledged, timeoutMs);
  }

  /** The Redis keys of the stream's partitions under this service's prefix. */
  private keysOf(stream: Pick<EventStream<unknown>, 'name' | 'partitions'>): readonly string[] {
    return partitionKeys(this.options.prefix, stream);
  }

  /** Where round robin over a stream's partitions continues, for events without a partition key. */
  private roundRobin(stream: Pick<EventStream<unknown>, 'name'>): { next: number } {
    let position = this.roundRobins.get(stream.name);
    if (!position) this.roundRobins.set(stream.name, (position = { next: 0 }));
    return position;
  }

  /** The backend's admin capability, which `method` cannot do without. */
  private admin(method: string): StreamAdmin {
    return requireCapability(this.transports.streams, 'admin', method);
  }

  private assertOpen(method: string): void {
    if (this.state !== 'open') throw new ServiceClosedError(method, this.group);
  }
}
