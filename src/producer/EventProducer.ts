import type { EventStream } from '../definitions/eventStream';

/** Produces to one stream; obtained from `EventService.createProducer`. */
export interface EventProducer<T> {
  /** The stream this producer writes to. */
  readonly stream: EventStream<T>;
  /** Appends the events in order; resolves with their ids once the broker has them all. */
  produce(...events: T[]): Promise<string[]>;
}
