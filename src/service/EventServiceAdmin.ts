import { defer, type Observable } from 'rxjs';
import type { DeadLetter } from '../deadLetters/DeadLetter';
import { listDeadLetters, redriveDeadLetters, type DeadLettersOptions, type RedriveOptions } from '../deadLetters/deadLetterOps';
import type { EventStream } from '../definitions/eventStream';
import { describeStream } from '../describe/describeStream';
import type { StreamDescription } from '../describe/StreamDescription';
import { assertName } from '../internal/validate';
import { deadLetterKeyOf, partitionKeys, scheduledKeysOf, streamKeyOf } from '../partitions/streamLayout';
import { requireCapability, type StreamAdmin } from '../transport/StreamTransport';
import { assertDefinition, assertSinglePartition } from './assertDefinition';
import { EventServiceLifecycle } from './EventServiceLifecycle';
import { assertRemoveGroup, groupMoveOf, moveGroup, removeGroup, type MoveGroupConfig, type RemoveGroupConfig } from './groupOperations';
import { historyBounds, readHistory, type HistoryConfig } from './history';
import { readStream, type ReadOptions, type ReadPage, type StreamEntry } from './readStream';

/**
 * The stream administration of an `EventService`: retention, dead letters, describing, reading
 * without a group, moving and removing groups. Each works on every partition of the stream under the
 * service's prefix, through the backend's admin or groups capability.
 */
export abstract class EventServiceAdmin extends EventServiceLifecycle {
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
      this.assertOpen('history');
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

  /** The Redis keys of the stream's partitions under this service's prefix. */
  private keysOf(stream: Pick<EventStream<unknown>, 'name' | 'partitions'>): readonly string[] {
    return partitionKeys(this.options.prefix, stream);
  }

  /** The backend's admin capability, which `method` cannot do without. */
  private admin(method: string): StreamAdmin {
    return requireCapability(this.transports.streams, 'admin', method);
  }
}
