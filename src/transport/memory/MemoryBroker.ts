import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { MemoryLeases } from './MemoryLeases';
import { MemoryRecords } from './MemoryRecords';
import { MemoryStream } from './MemoryStream';

/** Options of {@link MemoryBroker}. */
export interface MemoryBrokerOptions {
  /** Clock for entry ids and idle times. Default: `asyncScheduler` (virtual time under `TestScheduler.run`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * An in-process broker with the semantics of Redis Streams (consumer groups, pending entries,
 * delivery counts) and Redis pub/sub. Pass one broker to several `createEventService({ broker })`
 * calls to run several service instances in one process, for examples and tests.
 * Nothing is persisted: the data lives as long as the broker object.
 */
export class MemoryBroker {
  private readonly streams = new Map<string, MemoryStream>();
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  /** Memberships and leases of ordered consumers. @internal */
  readonly leases = new MemoryLeases();
  /** Idempotency records of keyed entries. @internal */
  readonly records = new MemoryRecords();
  /** Entries scheduled for later, by a partition's due-set key (see `MemoryScheduledEntries`). @internal */
  readonly scheduled = new Map<string, Map<string, unknown>>();
  /** The broker's clock and timers. @internal */
  readonly scheduler: SchedulerLike;

  constructor(options: MemoryBrokerOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
  }

  /** The broker's clock, in milliseconds. */
  now(): number {
    return this.scheduler.now();
  }

  /** The stream stored under `key`, created on first use. @internal */
  stream(key: string): MemoryStream {
    let stream = this.streams.get(key);
    if (!stream) {
      stream = new MemoryStream();
      this.streams.set(key, stream);
    }
    return stream;
  }

  /** The stream stored under `key`, if it exists. @internal */
  existingStream(key: string): MemoryStream | undefined {
    return this.streams.get(key);
  }

  /** Delivers `payload` synchronously to every current subscriber of `channel`; returns how many got it. */
  publish(channel: string, payload: string): number {
    const listeners = [...(this.channels.get(channel) ?? [])];
    for (const listener of listeners) listener(payload);
    return listeners.length;
  }

  /** Adds a subscriber to `channel`; returns a function that removes it. */
  subscribe(channel: string, listener: (payload: string) => void): () => void {
    let listeners = this.channels.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.channels.set(channel, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.channels.get(channel) === listeners) this.channels.delete(channel);
    };
  }

  /** Number of subscriptions to `channel` (what `PUBSUB NUMSUB` answers on Redis). */
  subscriberCount(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }
}
