import { defer, firstValueFrom, from, merge, Observable, race, timer, type Subscription } from 'rxjs';
import { BroadcastHub } from '../broadcast/BroadcastHub';
import { encodeValue } from '../codec/entryCodec';
import { ConsumerAcks } from '../consumer/ConsumerAcks';
import { consumeOptionsWithDefaults, DEFAULT_CONSUME_OPTIONS, type ConsumeOptions } from '../consumer/consumeOptions';
import { iterateDeliveries } from '../consumer/iterateDeliveries';
import type { Delivery } from '../consumer/Delivery';
import type { EventConsumer } from '../operators/EventConsumer';
import type { BroadcastStream } from '../definitions/broadcastStream';
import type { EventStream } from '../definitions/eventStream';
import { ServiceClosedError } from '../errors/ServiceClosedError';
import { isTransportError } from '../errors/TransportError';
import { channelOf, deadLetterKeyOf, partitionKeys, scheduledKeysOf, streamKeyOf } from '../partitions/streamLayout';
import type { DeadLetter } from '../deadLetters/DeadLetter';
import { listDeadLetters, redriveDeadLetters, type DeadLettersOptions, type RedriveOptions } from '../deadLetters/deadLetterOps';
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
import { readStream, type ReadOptions, type ReadPage, type StreamEntry } from './readStream';
import { historyBounds, readHistory, type HistoryConfig } from './history';
import { ConsumeSubscriptions } from './ConsumeSubscriptions';
import { assertRemoveGroup, groupMoveOf, moveGroup, removeGroup, type MoveGroupConfig, type RemoveGroupConfig } from './groupOperations';
import { assertName } from '../internal/validate';
import { idempotencyKeysOf, type GivenKeys } from '../producer/idempotencyKeys';
import { PRODUCE_KEYED } from '../producer/keyedProduce';
import { ProducePath } from '../producer/ProducePath';
import { assertSignal, untilAborted } from '../internal/abortSignal';
import { asyncDispose } from '../internal/asyncDispose';
import { listenSignal, type ListenOptions } from '../broadcast/listenOptions';
import { outputsToWrite } from '../validation/validateCall';
import { isPromiseLike } from '../validation/checkValue';
import { followAfter, scheduledLimit, serviceScheduling, type ServiceScheduling } from '../scheduling/serviceScheduling';
import type { ScheduleWhen } from '../scheduling/scheduleWhen';
import type { ScheduledEvent, ScheduledListOptions } from '../scheduling/ScheduledEvent';

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
  private readonly acks: ConsumerAcks;
  private readonly hub: BroadcastHub;
  private readonly consumers: ConsumeSubscriptions;
  private readonly retention: RetentionTrimmer;
  private readonly instrument: Instrument;
  /** Writes what `produce` is given. */
  private readonly producing: ProducePath;
  /** Scheduled events: stored by `schedule`, moved onto the streams this service consumes (when the backend can). */
  private readonly scheduling: ServiceScheduling | undefined;
  /** Reports a problem to `onError` and to `instrumentation$`. */
  private readonly report: (error: unknown) => void;

  /** Makes a service on these transports (what `createEventService` does). @internal */
  static create(options: ResolvedEventServiceOptions, transports: ServiceTransports): EventService {
    return new EventService(options, transports);
  }

  /** Use `createEventService`. */
  private constructor(
    private readonly options: ResolvedEventServiceOptions,
    private readonly transports: ServiceTransports,
  ) {
    this.group = options.group;
    this.consumer = options.consumer;
    const instrument = (this.instrument = new Instrument(options.group, options.scheduler));
    const openTelemetry = loadOpenTelemetry();
    // trace propagation, when `@opentelemetry/api` is installed
    const servers = transports.streams.capabilities.servers;
    const tracing = openTelemetry ? new Tracing(openTelemetry, options.group, servers && ((key) => servers.serverOf(key))) : undefined;
    this.instrumentation$ = instrument.events$;
    // a lost connection is reported once, not at every retry of every loop, while the server stays unreachable
    let lossReported = false;
    this.report = (error) => {
      if (isTransportError(error, 'CONNECTION')) {
        if (lossReported && transports.streams.unreachable() !== undefined) return;
        lossReported = true;
      }
      options.onError(error);
      if (instrument.on) instrument.emit({ type: 'service.error', error });
    };
    transports.onConnectionChange?.((connection, state) => {
      if (state === 'restored') lossReported = false;
      if (instrument.on) instrument.emit({ type: state === 'lost' ? 'connection.lost' : 'connection.restored', connection });
    });
    this.acks = new ConsumerAcks(transports.streams, options.group, this.report, () => this.state === 'closed');
    this.hub = new BroadcastHub(transports.pubsub, options.prefix, this.report, options.maxMessageBytes);
    this.retention = new RetentionTrimmer(transports.streams, options.scheduler, this.report, instrument);
    this.producing = new ProducePath(options, { transport: transports.streams, tracing, instrument, retention: this.retention });
    this.scheduling = serviceScheduling(options, transports, this.report, (stream, key) => this.retention.afterProduce(stream, key));
    this.consumers = new ConsumeSubscriptions(options, { transport: transports.streams, acks: this.acks, report: this.report, instrument, tracing });
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
      const consuming = this.consumers.start(stream, resolved, subscriber);
      // any consumer moves due scheduled events, once its group exists on every partition (one starting at new entries gets them)
      if (this.scheduling) {
        const groups = merge(...partitionKeys(this.options.prefix, stream).map((key) => this.transports.streams.ensureGroup(key, this.group, resolved.from)));
        subscriber.add(followAfter(this.scheduling.mover, stream as EventStream<unknown>, groups));
      }
      return consuming;
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

  /**
   * Stores events to be appended to the stream at `when` (a `Date`, or `{ delayMs }` from now), by the
   * broker's clock; resolves with one schedule id per event. They are validated, encoded and routed to
   * partitions as at `produce` (nothing is stored if one fails), and deduplicated by their idempotency
   * key when appended. Each is appended exactly once, never before its time, by any service instance
   * consuming the stream (any group); while none consumes, due events wait. See `scheduling/`.
   */
  async schedule<T>(stream: EventStream<T>, when: ScheduleWhen, ...events: NoInfer<T>[]): Promise<string[]> {
    this.assertOpen('schedule');
    assertDefinition(stream, 'eventStream', 'schedule');
    return this.schedulingFor('schedule').writer.schedule(stream, when, events);
  }

  /** Takes a scheduled event back before its time: true if it was still waiting, false otherwise (appended, taken back, or an unknown id). */
  async unschedule<T>(stream: EventStream<T>, id: string): Promise<boolean> {
    this.assertOpen('unschedule');
    assertDefinition(stream, 'eventStream', 'unschedule');
    return this.schedulingFor('unschedule').writer.unschedule(stream as EventStream<unknown>, id);
  }

  /** The stream's scheduled events still waiting, the first due first (at most `options.limit`, default 1000). */
  async scheduled<T>(stream: EventStream<T>, options: ScheduledListOptions = {}): Promise<ScheduledEvent<T>[]> {
    this.assertOpen('scheduled');
    assertDefinition(stream, 'eventStream', 'scheduled');
    return this.schedulingFor('scheduled').writer.list(stream, scheduledLimit(options));
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
    return listDeadLetters<T>(this.admin('deadLetters'), stream.name, this.keysOf(stream).map(deadLetterKeyOf), options.limit ?? 1000, stream.codec);
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
    const waiting = this.transports.streams.capabilities.scheduling;
    const targets = this.keysOf(stream).map((key) => ({ key, deadLetterKey: deadLetterKeyOf(key), waiting: waiting && (() => waiting.summary(scheduledKeysOf(key))) }));
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
    const { server, warnings } = await checkServer(this.transports.streams, this.options.produceTimeoutMs, this.options.scheduler);
    const consumers = this.consumers.active();
    const listeners = this.hub.activeChannels().map((channel) => ({ channel }));
    return { connection: this.transports.streams.connectionState(), server, consumers, listeners, warnings };
  }

  /**
   * Reads one page of the stream after `options.after` (an entry id, such as a browser's
   * `Last-Event-ID`), oldest first, without a group: nothing is created, delivered or acked, so any
   * number of readers can page through the stream without disturbing its groups. For a live view
   * over HTTP see `serveEventStreamSse` in `rx-redis-events/http`.
   */
  async read<T>(stream: EventStream<T>, options: ReadOptions = {}): Promise<ReadPage<T>> {
    this.assertOpen('read');
    assertDefinition(stream, 'eventStream', 'read');
    assertSinglePartition(stream, 'read');
    return readStream(this.admin('read'), stream, streamKeyOf(this.options.prefix, stream), options, this.report);
  }

  /**
   * Moves an existing group (default: this service's) to `config.to` on every partition: `'start'`,
   * `'end'`, a `Date` (the events produced at or after it) or an entry id (the events after it). The
   * events after the new position are delivered again, as first deliveries (delivery count 1), to
   * the group's consumers, live ones included; those before it that the group had not read yet are
   * skipped. Pending entries stay pending (delivered, not acked): they are redelivered or acked as
   * before. On Redis 7 it sets the group's entries-read, so that its `lag` stays right.
   *
   * @throws GroupNotFoundError when the stream has no such group (nothing is created).
   */
  async moveGroup<T>(stream: EventStream<T>, config: MoveGroupConfig): Promise<void> {
    this.assertOpen('moveGroup');
    assertDefinition(stream, 'eventStream', 'moveGroup');
    if (typeof config !== 'object' || config === null) throw new TypeError('rx-redis-events: moveGroup needs options { to, group? }');
    const group = config.group ?? this.group;
    assertName(group, 'moveGroup option group');
    const to = groupMoveOf(config.to);
    await moveGroup(requireCapability(this.transports.streams, 'groups', 'moveGroup'), stream.name, this.keysOf(stream), group, to);
  }

  /**
   * Destroys `group` on every partition of the stream, with its pending entries and consumers; the
   * stream's retention then trims what only that group held. Dead letters stay. It refuses while a
   * consumer of the group was active (read or claimed) within the last minute, unless `force`: a
   * consumer still running after a forced removal creates the group again, from the start of the stream.
   * Liveness is the consumers' idle time as the broker reports it (on Redis 7.0, only reads that brought
   * entries count); the check and the removal are separate steps.
   *
   * @throws GroupInUseError naming the group and its live consumers; GroupNotFoundError when the stream has no such group.
   */
  async removeGroup<T>(stream: EventStream<T>, group: string, config: RemoveGroupConfig = {}): Promise<void> {
    this.assertOpen('removeGroup');
    assertDefinition(stream, 'eventStream', 'removeGroup');
    assertRemoveGroup(group, config);
    const groups = requireCapability(this.transports.streams, 'groups', 'removeGroup');
    await removeGroup(this.admin('removeGroup'), groups, stream.name, this.keysOf(stream), group, config.force === true);
  }

  /**
   * **Cold**: each subscription reads, without a group (nothing is created, delivered or acked), the
   * entries between `config.from` and `config.to` (both included; `Date`s or entry ids; default: the
   * first entry to the last one when subscribing), every partition merged in id order, and completes
   * at the end. It reads page by page: a partition's next page only once its previous one was emitted,
   * so no more than `pageSize` entries are read ahead of what was emitted. Unsubscribing stops the
   * reading. An entry that cannot be decoded is skipped and reported to `onError`. For rebuilding a
   * projection, backfilling a new service, looking back.
   */
  history<T>(stream: EventStream<T>, config: HistoryConfig = {}): Observable<StreamEntry<T>> {
    assertDefinition(stream, 'eventStream', 'history');
    const bounds = historyBounds(config);
    const admin = this.admin('history');
    return defer(() => {
      if (this.state !== 'open') throw new ServiceClosedError('history', this.group);
      return readHistory(admin, stream, this.keysOf(stream), bounds, this.report);
    });
  }

  /** The id of the stream's last entry, `undefined` while the stream is empty: where a reader of only new entries starts. */
  async lastId<T>(stream: EventStream<T>): Promise<string | undefined> {
    this.assertOpen('lastId');
    assertDefinition(stream, 'eventStream', 'lastId');
    assertSinglePartition(stream, 'lastId');
    return this.admin('lastId').lastId(streamKeyOf(this.options.prefix, stream));
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
    if (this.state !== 'open') return Promise.reject(new ServiceClosedError('listening', this.group));
    return this.hub.listening(broadcast);
  }

  /**
   * Publishes a message to every live listener of the broadcast stream, in every service; a message
   * over `maxMessageBytes` is refused with `MessageTooLargeError`. With a schema, the message is
   * validated first (a `ValidationError` otherwise, nothing published) and its output is published.
   */
  async broadcast<T>(broadcast: BroadcastStream<T>, message: NoInfer<T>): Promise<void> {
    this.assertOpen('broadcast');
    assertDefinition(broadcast, 'broadcastStream', 'broadcast');
    const checked = outputsToWrite(broadcast, [message], 'broadcast');
    const [value] = isPromiseLike(checked) ? await checked : checked;
    await this.transports.pubsub.publish(channelOf(this.options.prefix, broadcast), encodeValue(broadcast.name, value, this.options.maxMessageBytes, broadcast.codec, 'broadcast'));
  }

  /**
   * Resolves once the service's command connection to the broker is ready (at once on the in-memory
   * broker). Rejects with a `TransportError` naming the server (`host:port`, a socket path or a
   * cluster's seed nodes, never a password), its `cause` the last connection error (`ECONNREFUSED`,
   * `ENOTFOUND`, ...), when it is not ready within `connectTimeoutMs` (code `CONNECTION`); and at once
   * when it cannot be: code `WRONGPASS`/`NOAUTH` (credentials refused), `TLS` (certificate or
   * handshake refused), `DATABASE` (the server refuses to select the URL's database). Nothing waits
   * for it: `produce` and `consume` may be called before, and wait for the connection themselves.
   */
  async ready(): Promise<void> {
    this.assertOpen('ready');
    await firstValueFrom(this.transports.streams.ready(this.options.connectTimeoutMs), { defaultValue: undefined });
  }

  /**
   * Stops reading, waits (at most `closeTimeoutMs`) for in-flight deliveries to be acked or nacked
   * (their leases renewed meanwhile), flushes acks, removes this service's consumers that hold nothing
   * from their groups (skipped while the server cannot be reached: there is nothing to wait for),
   * completes every `consume` and `listen` Observable and disconnects. Deliveries not
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
    this.consumers.stop();
    this.scheduling?.mover.stop();
    this.hub.completeAll(() => new ServiceClosedError('listen', this.group));
    const settled = from(this.consumers.whenSettled());
    await firstValueFrom(race(settled, timer(this.options.closeTimeoutMs, this.options.scheduler)));
    this.consumers.abandon(); // deliveries not settled in time go idle and are taken over
    // acks still unanswered after closeTimeoutMs are given up on: those entries stay pending and come back
    await firstValueFrom(race(from(this.acks.flush()), timer(this.options.closeTimeoutMs, this.options.scheduler)));
    // unreachable, it cannot leave the groups: its consumers are left for the other instances' expiry
    if (!this.transports.streams.unreachable()) await firstValueFrom(race(from(this.consumers.leaveGroups()), timer(this.options.closeTimeoutMs, this.options.scheduler)));
    await this.retention.idle();
    this.state = 'closed';
    this.consumers.complete();
    this.instrument.complete();
    await Promise.allSettled([this.transports.streams.close(), this.transports.pubsub.close()]);
    this.producing.close();
  }

  /** The Redis keys of the stream's partitions under this service's prefix. */
  private keysOf(stream: Pick<EventStream<unknown>, 'name' | 'partitions'>): readonly string[] {
    return partitionKeys(this.options.prefix, stream);
  }

  /** The service's scheduled events, which `method` cannot do without. */
  private schedulingFor(method: string): ServiceScheduling {
    requireCapability(this.transports.streams, 'scheduling', method);
    return this.scheduling as ServiceScheduling;
  }

  /** The backend's admin capability, which `method` cannot do without. */
  private admin(method: string): StreamAdmin {
    return requireCapability(this.transports.streams, 'admin', method);
  }

  private assertOpen(method: string): void {
    if (this.state !== 'open') throw new ServiceClosedError(method, this.group);
  }
}
