import { firstValueFrom, from, race, timer, type Observable } from 'rxjs';
import { BroadcastHub } from '../broadcast/BroadcastHub';
import { ConsumerAcks } from '../consumer/ConsumerAcks';
import { ServiceClosedError } from '../errors/ServiceClosedError';
import { isTransportError } from '../errors/TransportError';
import { checkServer } from '../health/checkServer';
import type { ServiceHealth } from '../health/ServiceHealth';
import { Instrument } from '../instrumentation/Instrument';
import type { ConnectionRole, InstrumentationEvent } from '../instrumentation/InstrumentationEvent';
import { asyncDispose } from '../internal/asyncDispose';
import { ProducePath } from '../producer/ProducePath';
import { RetentionTrimmer } from '../retention/RetentionTrimmer';
import { serviceScheduling, type ServiceScheduling } from '../scheduling/serviceScheduling';
import { loadOpenTelemetry } from '../tracing/loadOpenTelemetry';
import { Tracing } from '../tracing/Tracing';
import type { PubSubTransport } from '../transport/PubSubTransport';
import type { StreamTransport } from '../transport/StreamTransport';
import { ConsumeSubscriptions } from './ConsumeSubscriptions';
import type { ResolvedEventServiceOptions } from './eventServiceOptions';

/** The transports a service runs on. */
export interface ServiceTransports {
  readonly streams: StreamTransport;
  readonly pubsub: PubSubTransport;
  /** Where the transport tells about lost and restored connections (the in-memory broker never loses one). */
  readonly onConnectionChange?: (listener: (connection: ConnectionRole, state: 'lost' | 'restored') => void) => void;
}

/**
 * The lifecycle of an `EventService`, the lowest of its layers: builds the service's parts from its
 * options and transports, tells whether it is open, reports on its connection (`ready`, `health`)
 * and closes it. The layers above use the parts; only this one changes the service's state.
 */
export abstract class EventServiceLifecycle implements AsyncDisposable {
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
  /** @internal */
  protected readonly hub: BroadcastHub;
  /** @internal */
  protected readonly consumers: ConsumeSubscriptions;
  /** @internal */
  protected readonly retention: RetentionTrimmer;
  private readonly instrument: Instrument;
  /** Writes what `produce` is given. @internal */
  protected readonly producing: ProducePath;
  /** Scheduled events: stored by `schedule`, moved onto the streams this service consumes (when the backend can). @internal */
  protected readonly scheduling: ServiceScheduling | undefined;
  /** Reports a problem to `onError` and to `instrumentation$`. @internal */
  protected readonly report: (error: unknown) => void;

  /** @internal */
  protected constructor(
    /** @internal */
    protected readonly options: ResolvedEventServiceOptions,
    /** @internal */
    protected readonly transports: ServiceTransports,
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
    this.scheduling = serviceScheduling(options, transports.streams, this.report, (stream, key) => this.retention.afterProduce(stream, key));
    this.consumers = new ConsumeSubscriptions(options, { transport: transports.streams, acks: this.acks, report: this.report, instrument, tracing, scheduled: this.scheduling?.follower });
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

  /** Whether `close()` has not been called. @internal */
  protected get isOpen(): boolean {
    return this.state === 'open';
  }

  /** @throws ServiceClosedError naming `method` once `close()` has been called. @internal */
  protected assertOpen(method: string): void {
    if (this.state !== 'open') throw new ServiceClosedError(method, this.group);
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    this.consumers.stop(); // which stops reading wakes first: the movers' last wakes are for other instances
    const handedOver = this.scheduling?.mover.stop() ?? Promise.resolve();
    this.hub.completeAll(() => new ServiceClosedError('listen', this.group));
    const settled = from(Promise.all([this.consumers.whenSettled(), handedOver]));
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
}
