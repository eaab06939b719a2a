import type { EntryFields } from '../../codec/entryFields';
import { compareStreamIds, type StreamId } from '../../internal/streamId';
import type { StreamSnapshot } from '../StreamSnapshot';
import type { GroupMove, GroupStartAt, ReadEntry, StoredEntry, TrimLimits } from '../StreamTransport';
import { MemoryEntryLog } from './MemoryEntryLog';
import { MemoryGroup } from './MemoryGroup';

/** A reader blocked until the group has new entries. */
export interface StreamWaiter {
  readonly group: string;
  readonly consumer: string;
  readonly count: number;
  readonly resolve: (entries: ReadEntry[]) => void;
}

/**
 * One in-memory stream with consumer groups, following the semantics of Redis Streams: its entries
 * (a {@link MemoryEntryLog}), its groups by name (each a {@link MemoryGroup} with its pending entries
 * list), and the readers blocked until a group has new entries, served first come, first served.
 * What concerns one group is asked of {@link MemoryStream.group}; what needs the entries and every
 * group (trims, snapshots) is done here.
 */
export class MemoryStream {
  private readonly log = new MemoryEntryLog();
  private readonly groups = new Map<string, MemoryGroup>();
  private readonly waiters: StreamWaiter[] = [];

  /** Number of entries in the stream. */
  get length(): number {
    return this.log.length;
  }

  /** Appends an entry with the next id at `now` (see {@link MemoryEntryLog.append}); returns the id. Blocked readers are served by {@link MemoryStream.serveWaiters}. */
  append(fields: EntryFields, now: number): string {
    return this.log.append(fields, now);
  }

  /** Creates the group at `start` unless it exists (`XGROUP CREATE`); a group that exists stays where it is. */
  ensureGroup(name: string, start: GroupStartAt): void {
    if (this.groups.has(name)) return;
    this.groups.set(name, new MemoryGroup(this.log, this.log.positionOf(start === 'new' ? 'end' : start)));
  }

  /** Moves a group's last delivered id (`XGROUP SETID`); its pending entries stay. Returns false when there is no such group. */
  moveGroup(name: string, to: GroupMove): boolean {
    const group = this.groups.get(name);
    if (!group) return false;
    group.moveTo(this.log.positionOf(to));
    return true;
  }

  /** Destroys a group (`XGROUP DESTROY`), its pending entries and consumers with it. Returns false when there was none. */
  removeGroup(name: string): boolean {
    return this.groups.delete(name);
  }

  /**
   * The group named `name`.
   *
   * @throws MissingGroupError when the stream has no such group.
   */
  group(name: string): MemoryGroup {
    const group = this.groups.get(name);
    if (!group) throw new MissingGroupError(name);
    return group;
  }

  /** The group named `name`, if the stream has it (for commands that answer nothing rather than `NOGROUP`). */
  existingGroup(name: string): MemoryGroup | undefined {
    return this.groups.get(name);
  }

  /** Throws {@link MissingGroupError} unless the group exists. */
  assertGroup(name: string): void {
    this.group(name);
  }

  /** Delivers to `consumer` of the group up to `count` new entries (see {@link MemoryGroup.readNew}). */
  readNew(groupName: string, consumer: string, count: number, now: number): ReadEntry[] {
    return this.group(groupName).readNew(consumer, count, now);
  }

  /** Registers a blocked reader; returns a function that removes it. */
  wait(waiter: StreamWaiter): () => void {
    this.waiters.push(waiter);
    return () => {
      const index = this.waiters.indexOf(waiter);
      if (index >= 0) this.waiters.splice(index, 1);
    };
  }

  /** Hands new entries to blocked readers in the order they started waiting. */
  serveWaiters(now: number): void {
    for (const waiter of [...this.waiters]) {
      // A waiter resolved below may produce (re-entering this method) and serve later waiters first.
      const index = this.waiters.indexOf(waiter);
      if (index < 0 || !this.groups.has(waiter.group)) continue;
      const entries = this.readNew(waiter.group, waiter.consumer, waiter.count, now);
      if (entries.length === 0) continue;
      this.waiters.splice(index, 1);
      waiter.resolve(entries);
    }
  }

  /** Pending ids of a group, in id order (for introspection and tests); none when there is no such group. */
  pendingIds(groupName: string): string[] {
    return this.groups.get(groupName)?.pendingIds() ?? [];
  }

  /** An entry's fields, if it is still in the stream. */
  fields(id: string): EntryFields | undefined {
    return this.log.find(id)?.fields;
  }

  /** Entries from the oldest, at most `count`. */
  range(count: number): StoredEntry[] {
    return this.log.range(count);
  }

  /** Entries after `after` (exclusive), at most `count`. */
  rangeAfter(after: StreamId, count: number): StoredEntry[] {
    return this.log.rangeAfter(after, count);
  }

  /** The last entry's id, if any. */
  lastId(): string | undefined {
    return this.log.lastId();
  }

  /** Deletes one entry (`XDEL`); returns whether it existed. Groups keep it pending until a claim finds it gone. */
  delete(id: string): boolean {
    return this.log.delete(id);
  }

  /** Applies retention limits, never (unless `unsafe`) below what a group has not read or acked; returns the number removed. */
  trim(limits: TrimLimits): number {
    let limit = this.log.trimLimit(limits);
    if (!limit) return 0;
    const bound = limits.unsafe ? undefined : this.neededFrom();
    if (bound && compareStreamIds(bound, limit) < 0) limit = bound;
    return this.log.removeBefore(limit);
  }

  /** The smallest id some group still needs (see {@link MemoryGroup.neededFrom}), if any group exists. */
  private neededFrom(): StreamId | undefined {
    let bound: StreamId | undefined;
    for (const group of this.groups.values()) {
      const needed = group.neededFrom();
      if (!bound || compareStreamIds(needed, bound) < 0) bound = needed;
    }
    return bound;
  }

  /** The stream and its groups now (what `XINFO STREAM`, `XINFO GROUPS`, `XINFO CONSUMERS` and `XPENDING` tell on Redis). */
  snapshot(now: number): Omit<StreamSnapshot, 'deadLetters'> {
    const groups = [...this.groups].map(([name, group]) => group.snapshot(name, now));
    return { length: this.log.length, firstId: this.log.firstId(), lastId: this.log.lastId(), groups };
  }
}

/** A command named a consumer group the stream does not have (Redis answers `NOGROUP`). */
export class MissingGroupError extends Error {
  override name = 'MissingGroupError';
  constructor(group: string) {
    super(`NOGROUP no consumer group "${group}" for this stream`);
  }
}
