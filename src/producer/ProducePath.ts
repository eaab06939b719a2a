import { forkJoin, map, type SchedulerLike } from 'rxjs';
import { encodeEntry } from '../codec/entryCodec';
import type { EventStream } from '../definitions/eventStream';
import { ReplicationTimeoutError } from '../errors/ReplicationTimeoutError';
import { TimeoutError } from '../errors/TimeoutError';
import type { Instrument } from '../instrumentation/Instrument';
import { CallDeadlines } from '../internal/CallDeadlines';
import { withTimeout } from '../internal/withTimeout';
import { idsInCallOrder, routeToPartitions } from '../partitions/routeToPartitions';
import { partitionKeys } from '../partitions/streamLayout';
import type { RetentionTrimmer } from '../retention/RetentionTrimmer';
import type { Tracing } from '../tracing/Tracing';
import type { StreamTransport } from '../transport/StreamTransport';
import { appendRequest } from './appendRequest';
import type { GivenKeys } from './idempotencyKeys';
import { ProducerSequences } from './ProducerSequences';

/** What the produce path takes from its service's options. */
export interface ProducePathConfig {
  readonly prefix: string;
  readonly maxMessageBytes: number;
  readonly produceTimeoutMs: number;
  readonly scheduler: SchedulerLike;
  /** How many replicas must confirm the entries of a call, and how long they have. */
  readonly durability: { readonly replicas: number; readonly timeoutMs: number } | undefined;
}

/** What the produce path works with: the service's transport, trace propagation, instrumentation and retention. */
export interface ProducePathParts {
  readonly transport: StreamTransport;
  /** Trace propagation, when `@opentelemetry/api` is installed. */
  readonly tracing: Tracing | undefined;
  readonly instrument: Instrument;
  readonly retention: RetentionTrimmer;
}

/**
 * How one service writes a produce call: encodes every event, adds the trace context, routes the
 * entries to the stream's partitions (round robin for events without a partition key), appends them
 * as this instance's idempotent producer within `produceTimeoutMs`, waits for the replicas with
 * `durability`, and lets retention trim after the write.
 */
export class ProducePath {
  private readonly roundRobins = new Map<string, { next: number }>();
  /** This instance's idempotent producer. */
  private readonly producers = new ProducerSequences();
  /** The `produceTimeoutMs` of the appends under way, watched by one scheduled check (no timer per call). */
  private readonly deadlines: CallDeadlines;

  constructor(
    private readonly options: ProducePathConfig,
    private readonly parts: ProducePathParts,
  ) {
    this.deadlines = new CallDeadlines(options.produceTimeoutMs, options.scheduler);
  }

  /** Appends the events of one call (at least one) in order; resolves with their entry ids. */
  async write<T>(stream: EventStream<T>, events: readonly T[], idempotency: GivenKeys | undefined): Promise<string[]> {
    const encoded = events.map((event) => encodeEntry(stream, event, this.options.maxMessageBytes));
    const keys = this.keysOf(stream);
    const trace = this.parts.tracing?.startProduce(stream.name, keys, events.length);
    const entries = trace && Object.keys(trace.fields).length > 0 ? encoded.map((fields) => ({ ...fields, ...trace.fields })) : encoded;
    const { produceTimeoutMs } = this.options;
    const streams = this.parts.transport;
    const request = (key: string, positions?: readonly number[]) => appendRequest(this.producers.of(key), key, idempotency, positions);
    // several partitions: one append per partition the call touches, sent together
    const batches = keys.length === 1 ? undefined : routeToPartitions(keys, entries, this.roundRobin(stream), idempotency?.keys);
    const appended = batches
      ? forkJoin(batches.map((batch) => streams.append(batch.key, batch.entries, request(batch.key, batch.positions)))).pipe(map((idsPerBatch) => idsInCallOrder(batches, idsPerBatch, entries.length)))
      : streams.append(keys[0] as string, entries, request(keys[0] as string));
    let ids: string[];
    try {
      // a backend that answers at once (memory) does so before its deadline is watched, also in virtual time
      ids = await this.deadlines.firstWithin(appended, () => new TimeoutError('produce', stream.name, produceTimeoutMs, streams.unreachable()));
      if (this.options.durability) await this.replicated(stream.name, batches ? batches.map((batch) => batch.key) : keys);
    } catch (error) {
      trace?.end(error);
      throw error;
    }
    trace?.end();
    const { instrument, retention } = this.parts;
    if (instrument.on) instrument.emit({ type: 'producer.produced', stream: stream.name, ids });
    for (const key of batches ? batches.map((batch) => batch.key) : keys) retention.afterProduce(stream as EventStream<unknown>, key);
    return ids;
  }

  /** The service closed: the deadlines of appends stop keeping a check scheduled while none is under way. */
  close(): void {
    this.deadlines.close();
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
    const confirming = this.parts.transport.capabilities.replicas?.confirmReplicas(keys, replicas, timeoutMs) ?? Promise.resolve(0);
    // the server answers by timeoutMs; produceTimeoutMs more for a master that does not answer at all
    const acknowledged = await withTimeout(confirming, timeoutMs + produceTimeoutMs, scheduler, () => new ReplicationTimeoutError(stream, replicas, 0, timeoutMs));
    if (acknowledged < replicas) throw new ReplicationTimeoutError(stream, replicas, acknowledged, timeoutMs);
  }

  /** The Redis keys of the stream's partitions under the service's prefix. */
  private keysOf(stream: Pick<EventStream<unknown>, 'name' | 'partitions'>): readonly string[] {
    return partitionKeys(this.options.prefix, stream);
  }

  /** Where round robin over a stream's partitions continues, for events without a partition key. */
  private roundRobin(stream: Pick<EventStream<unknown>, 'name'>): { next: number } {
    let position = this.roundRobins.get(stream.name);
    if (!position) this.roundRobins.set(stream.name, (position = { next: 0 }));
    return position;
  }
}
