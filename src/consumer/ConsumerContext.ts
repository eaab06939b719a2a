import type { EventStream } from '../definitions/eventStream';
import type { Instrument } from '../instrumentation/Instrument';
import type { Tracing } from '../tracing/Tracing';
import type { StreamTransport } from '../transport/StreamTransport';
import type { PendingAck } from './AckCoalescer';

/** What a consumer loop needs from its service. */
export interface ConsumerContext {
  readonly transport: StreamTransport;
  /** Acknowledges one entry of the stream stored under `key` for the group (coalesced). */
  readonly ack: (key: string, id: string) => PendingAck;
  /** The dead-letter stream's key for a stream's key. */
  readonly deadLetterKey: (key: string) => string;
  readonly group: string;
  readonly report: (error: unknown) => void;
  /** Where `instrumentation$` events go. */
  readonly instrument: Instrument;
  /** Trace propagation, when `@opentelemetry/api` is installed. */
  readonly tracing: Tracing | undefined;
  /** Consumers of the group that hold nothing and were idle this long are removed (see `expireIdleConsumers`). */
  readonly consumerExpiryMs: number;
}

/** Where the loop reads and who it is. */
export interface ConsumerTarget<T> {
  readonly stream: EventStream<T>;
  readonly key: string;
  /** The index of `key` among the stream's partitions. */
  readonly partition: number;
  readonly consumer: string;
}
