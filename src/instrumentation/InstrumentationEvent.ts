/** Fields every instrumentation event carries. */
interface EventBase {
  /** When it happened: the service scheduler's `now()` (wall-clock milliseconds unless a test scheduler is used). */
  readonly timestamp: number;
  /** The service's group. */
  readonly group: string;
}

/** Fields of the events about one consumer of one stream. */
interface ConsumerEventBase extends EventBase {
  /** The stream's name (without prefix). */
  readonly stream: string;
  /** The consumer's name in the group (`<consumer>#<n>`). */
  readonly consumer: string;
}

/** A delivery was handed to the subscriber of `consume`. */
export interface ConsumerDeliveredEvent extends ConsumerEventBase {
  readonly type: 'consumer.delivered';
  readonly id: string;
  readonly deliveryCount: number;
}

/** A delivery was acked (the ack is on its way to the broker, coalesced with others). */
export interface ConsumerAckedEvent extends ConsumerEventBase {
  readonly type: 'consumer.acked';
  readonly id: string;
}

/** A delivery was nacked: it comes back after `delayMs`. */
export interface ConsumerNackedEvent extends ConsumerEventBase {
  readonly type: 'consumer.nacked';
  readonly id: string;
  readonly deliveryCount: number;
  readonly delayMs: number;
}

/** The consumer took over entries: its own pending ones when it started (`own`), or ones other consumers left idle (`idle`). */
export interface ConsumerClaimedEvent extends ConsumerEventBase {
  readonly type: 'consumer.claimed';
  readonly source: 'own' | 'idle';
  readonly ids: readonly string[];
}

/** An entry was moved to the dead-letter stream. */
export interface ConsumerDeadLetteredEvent extends ConsumerEventBase {
  readonly type: 'consumer.deadLettered';
  readonly id: string;
  readonly reason: string;
  readonly deliveryCount: number;
}

/**
 * A delivery has been with its handler for longer than `maxHandlingMs`: its lease is no longer
 * renewed, so another consumer takes it over after `claimIdleAfterMs` (the handler may still settle it).
 */
export interface ConsumerStuckEvent extends ConsumerEventBase {
  readonly type: 'consumer.stuck';
  readonly id: string;
  /** How long it has been with its handler, in ms. */
  readonly handlingMs: number;
}

/** Events were appended to a stream. */
export interface ProducerProducedEvent extends EventBase {
  readonly type: 'producer.produced';
  readonly stream: string;
  readonly ids: readonly string[];
}

/** Retention removed entries from a stream. */
export interface RetentionTrimmedEvent extends EventBase {
  readonly type: 'retention.trimmed';
  readonly stream: string;
  readonly removed: number;
}

/** Which connection to the broker an event is about: commands, one consumer's blocking reads, or pub/sub. */
export type ConnectionRole = 'command' | 'reader' | 'subscriber';

/** A connection to the broker was lost; it is being re-established. */
export interface ConnectionLostEvent extends EventBase {
  readonly type: 'connection.lost';
  readonly connection: ConnectionRole;
}

/** A lost connection is ready again. */
export interface ConnectionRestoredEvent extends EventBase {
  readonly type: 'connection.restored';
  readonly connection: ConnectionRole;
}

/** A problem that does not stop the service, as given to `onError` (a failed ack, a broker failure being retried). */
export interface ServiceErrorEvent extends EventBase {
  readonly type: 'service.error';
  readonly error: unknown;
}

/**
 * What `EventService.instrumentation$` emits: a union discriminated by its namespaced `type`.
 *
 * ## Example
 * ```ts
 * service.instrumentation$.pipe(filter((event) => event.type === 'consumer.deadLettered')).subscribe((event) => alert(event));
 * ```
 */
export type InstrumentationEvent =
  | ConsumerDeliveredEvent
  | ConsumerAckedEvent
  | ConsumerNackedEvent
  | ConsumerClaimedEvent
  | ConsumerDeadLetteredEvent
  | ConsumerStuckEvent
  | ProducerProducedEvent
  | RetentionTrimmedEvent
  | ConnectionLostEvent
  | ConnectionRestoredEvent
  | ServiceErrorEvent;

/** The `type`s of {@link InstrumentationEvent}. */
export type InstrumentationEventType = InstrumentationEvent['type'];

/** An event before the instrument stamps it with the time and group. */
export type UnstampedEvent = InstrumentationEvent extends infer E ? (E extends InstrumentationEvent ? Omit<E, 'timestamp' | 'group'> : never) : never;
