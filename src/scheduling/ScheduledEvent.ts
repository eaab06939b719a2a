/** An event waiting to be appended to its stream, as `EventService.scheduled` lists it. */
export interface ScheduledEvent<T> {
  /** Its schedule id (what `unschedule` takes back). */
  readonly id: string;
  /** When it is due, by the broker's clock. */
  readonly dueAt: Date;
  /** The event, decoded with the stream's codec. */
  readonly value: T;
  /** Its partition key, when the stream has a key selector. */
  readonly key: string | undefined;
}

/** Options of `EventService.scheduled`. */
export interface ScheduledListOptions {
  /** Most events listed (the first due first), over all partitions. Default 1000. */
  readonly limit?: number;
}
