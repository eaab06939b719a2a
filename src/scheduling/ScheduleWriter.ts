import { randomBytes } from 'node:crypto';
import { firstValueFrom, type SchedulerLike } from 'rxjs';
import { decodeEntry, encodeEntry } from '../codec/entryCodec';
import type { EventStream } from '../definitions/eventStream';
import { TimeoutError } from '../errors/TimeoutError';
import { timeoutAfter } from '../internal/withTimeout';
import { routeToPartitions } from '../partitions/routeToPartitions';
import { idempotencyKeyOf, partitionKeys, scheduledKeysOf } from '../partitions/streamLayout';
import { idempotencyKeysOf } from '../producer/idempotencyKeys';
import { isPromiseLike } from '../validation/checkValue';
import { outputsToWrite } from '../validation/validateCall';
import type { ScheduledEntries, ScheduledEntry } from '../transport/scheduledEntries';
import type { ScheduledEvent } from './ScheduledEvent';
import { dueOf, type ScheduleWhen } from './scheduleWhen';

/** What the schedule writer takes from its service. */
export interface ScheduleWriterParts {
  readonly prefix: string;
  readonly maxMessageBytes: number;
  readonly produceTimeoutMs: number;
  readonly scheduler: SchedulerLike;
  readonly scheduling: ScheduledEntries;
  /** The server, when the connection is not ready (for a `TimeoutError`). */
  readonly unreachable: () => ConstructorParameters<typeof TimeoutError>[3];
}

/**
 * How one service stores events for later (`schedule`), takes them back (`unschedule`) and lists them:
 * encoded and routed to partitions as `produce` does, stored beside each partition (the store wakes the
 * stream's movers when an event comes before every other of its partition). A schedule id is
 * `<partition>:<instance><sequence>`: it names its partition, and the ids of one instance sort in call order.
 */
export class ScheduleWriter {
  private readonly roundRobins = new Map<string, { next: number }>();
  private readonly instance = randomBytes(6).toString('hex');
  private sequence = 0;

  constructor(private readonly parts: ScheduleWriterParts) {}

  /**
   * Validates `when` and the events (the stream's schema, codec, size limit and idempotency key, as at
   * `produce`: nothing is stored if one fails), stores them; resolves with one schedule id per event.
   */
  async schedule<T>(stream: EventStream<T>, when: ScheduleWhen, events: readonly T[]): Promise<string[]> {
    const due = dueOf(when);
    if (events.length === 0) return [];
    const checked = outputsToWrite(stream, events);
    const values = isPromiseLike(checked) ? await checked : checked;
    const idempotency = idempotencyKeysOf(stream, values);
    const { prefix, maxMessageBytes, scheduling, produceTimeoutMs, scheduler } = this.parts;
    const encoded = values.map((value) => encodeEntry(stream, value, maxMessageBytes));
    const keys = partitionKeys(prefix, stream);
    const batches = routeToPartitions(keys, encoded, this.roundRobin(stream.name), idempotency?.keys);
    const ids = new Array<string>(values.length);
    const stored = batches.map((batch) => {
      const partition = keys.indexOf(batch.key);
      const entries = batch.entries.map((fields, index): ScheduledEntry => {
        const position = batch.positions[index] as number;
        const id = (ids[position] = `${partition}:${this.instance}${(this.sequence++).toString(36).padStart(10, '0')}`);
        if (!idempotency) return { id, fields };
        return { id, fields, idempotency: { recordKey: idempotencyKeyOf(batch.key, idempotency.keys[position] as string), windowMs: idempotency.windowMs } };
      });
      const storing = scheduling.schedule(scheduledKeysOf(batch.key), due, entries).pipe(
        timeoutAfter(produceTimeoutMs, scheduler, () => new TimeoutError('schedule', stream.name, produceTimeoutMs, this.parts.unreachable())),
      );
      return firstValueFrom(storing);
    });
    await Promise.all(stored);
    return ids;
  }

  /** Takes a waiting event back; false when `id` is not one of the stream's waiting events. */
  unschedule(stream: EventStream<unknown>, id: string): Promise<boolean> {
    if (typeof id !== 'string') throw new TypeError(`rx-redis-events: unschedule needs a schedule id (a string); got ${typeof id}`);
    const key = partitionKeys(this.parts.prefix, stream)[Number(id.slice(0, id.indexOf(':')))];
    if (!/^\d+:/.test(id) || key === undefined) return Promise.resolve(false);
    return this.parts.scheduling.unschedule(scheduledKeysOf(key), id);
  }

  /** The stream's waiting events, the first due first, at most `limit`. */
  async list<T>(stream: EventStream<T>, limit: number): Promise<ScheduledEvent<T>[]> {
    const keys = partitionKeys(this.parts.prefix, stream);
    const perPartition = await Promise.all(keys.map((key) => this.parts.scheduling.listWaiting(scheduledKeysOf(key), limit)));
    // by due time, then in call order (the id after its partition)
    const order = (id: string) => id.slice(id.indexOf(':') + 1);
    const waiting = perPartition.flat().sort((a, b) => a.dueMs - b.dueMs || (order(a.id) < order(b.id) ? -1 : order(a.id) > order(b.id) ? 1 : 0));
    return waiting.slice(0, limit).map(({ id, dueMs, fields }) => ({ id, dueAt: new Date(dueMs), ...decodeEntry(stream.name, id, fields, stream.codec) }));
  }

  private roundRobin(stream: string): { next: number } {
    let position = this.roundRobins.get(stream);
    if (!position) this.roundRobins.set(stream, (position = { next: 0 }));
    return position;
  }
}
