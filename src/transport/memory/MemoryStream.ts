import type { EntryFields } from '../../codec/entryFields';
import { compareStreamIds, parseStreamId, type StreamId } from '../../internal/streamId';
import type { StreamSnapshot } from '../StreamSnapshot';
import type { ClaimIdleRequest, ClaimIdleResult, GroupMove, GroupStartAt, ReadEntry, StoredEntry, TrimLimits } from '../StreamTransport';

interface MemoryEntry extends StoredEntry {
  readonly sid: StreamId;
}

interface PendingInfo {
  consumer: string;
  deliveryCount: number;
  deliveredAt: number;
}

interface MemoryGroup {
  lastDelivered: StreamId;
  /** `lastDelivered` as given (an id after a moment has a sequence number beyond what a number holds exactly). */
  lastDeliveredId: string;
  /** Pending entries in id order (a Map keeps insertion order; claims update in place). */
  readonly pending: Map<string, PendingInfo>;
  /** Consumers that read or claimed, with when they last did (what `XINFO CONSUMERS` lists). */
  readonly consumers: Map<string, number>;
}

/** A reader blocked until the group has new entries. */
export interface StreamWaiter {
  readonly group: string;
  readonly consumer: string;
  readonly count: number;
  readonly resolve: (entries: ReadEntry[]) => void;
}

/**
 * One in-memory stream with consumer groups, following the semantics of Redis Streams:
 * ids `<ms>-<seq>`, a last-delivered id and a pending entries list per group, delivery counts,
 * blocked readers served first come, first served.
 */
export class MemoryStream {
  private readonly entries: MemoryEntry[] = [];
  private readonly groups = new Map<string, MemoryGroup>();
  private readonly waiters: StreamWaiter[] = [];
  private last: StreamId = { ms: 0, seq: 0 };

  /** Number of entries in the stream. */
  get length(): number {
    return this.entries.length;
  }

  append(fields: EntryFields, now: number): string {
    const ms = Math.max(Math.floor(now), this.last.ms);
    const seq = ms === this.last.ms ? this.last.seq + 1 : 0;
    const sid = { ms, seq };
    const id = `${ms}-${seq}`;
    this.last = sid;
    this.entries.push({ id, sid, fields: { ...fields } });
    return id;
  }

  ensureGroup(name: string, start: GroupStartAt): void {
    if (this.groups.has(name)) return;
    const at = this.positionOf(start === 'new' ? 'end' : start);
    this.groups.set(name, { lastDelivered: at.sid, lastDeliveredId: at.id, pending: new Map(), consumers: new Map() });
  }

  /** Moves a group's last delivered id (`XGROUP SETID`); its pending entries stay. Returns false when there is no such group. */
  moveGroup(name: string, to: GroupMove): boolean {
    const group = this.groups.get(name);
    if (!group) return false;
    const at = this.positionOf(to);
    group.lastDelivered = at.sid;
    group.lastDeliveredId = at.id;
    return true;
  }

  /** Destroys a group (`XGROUP DESTROY`), its pending entries and consumers with it. Returns false when there was none. */
  removeGroup(name: string): boolean {
    return this.groups.delete(name);
  }

  private positionOf(at: GroupMove): { sid: StreamId; id: string } {
    if (at === 'start') return { sid: { ms: 0, seq: 0 }, id: '0-0' };
    if (at === 'end') return { sid: this.last, id: `${this.last.ms}-${this.last.seq}` };
    const sid = parseStreamId(at.afterId);
    if (!sid) throw new Error(`Invalid stream ID specified as stream command argument: ${at.afterId}`);
    return { sid, id: at.afterId };
  }

  readNew(groupName: string, consumer: string, count: number, now: number): ReadEntry[] {
    const group = this.group(groupName);
    group.consumers.set(consumer, now);
    const out: ReadEntry[] = [];
    for (let index = this.firstAfter(group.lastDelivered); index < this.entries.length && out.length < count; index++) {
      const entry = this.entries[index] as MemoryEntry;
      group.lastDelivered = entry.sid;
      group.lastDeliveredId = entry.id;
      group.pending.set(entry.id, { consumer, deliveryCount: 1, deliveredAt: now });
      out.push({ id: entry.id, fields: entry.fields, deliveryCount: 1 });
    }
    return out;
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

  ack(groupName: string, ids: readonly string[]): void {
    const group = this.groups.get(groupName);
    if (!group) return;
    for (const id of ids) group.pending.delete(id);
  }

  claimOwn(groupName: string, consumer: string, count: number, now: number): ReadEntry[] {
    const ids = [...this.group(groupName).pending].filter(([, info]) => info.consumer === consumer).map(([id]) => id);
    return this.claim(groupName, consumer, ids.slice(0, count), now);
  }

  claimIdle(groupName: string, consumer: string, request: ClaimIdleRequest, now: number): ClaimIdleResult {
    const cursor = parseStreamId(request.cursor) ?? { ms: 0, seq: 0 };
    const holding = new Set(request.holding);
    const ids: string[] = [];
    for (const [id, info] of this.group(groupName).pending) {
      if (ids.length >= request.count) return { entries: this.claim(groupName, consumer, ids, now), cursor: ids[ids.length - 1] as string };
      const sid = parseStreamId(id) as StreamId;
      const takeable = !holding.has(id) || info.deliveryCount >= request.maxDeliveries;
      if (compareStreamIds(sid, cursor) > 0 && takeable && now - info.deliveredAt >= request.minIdleMs) ids.push(id);
    }
    return { entries: this.claim(groupName, consumer, ids, now), cursor: '0-0' };
  }

  /** The pending record of an entry for a group, if it is pending. */
  pendingInfo(groupName: string, id: string): Readonly<PendingInfo> | undefined {
    return this.groups.get(groupName)?.pending.get(id);
  }

  /** An entry's fields, if it is still in the stream. */
  fields(id: string): EntryFields | undefined {
    return this.find(id)?.fields;
  }

  /** Entries from the oldest, at most `count`. */
  range(count: number): StoredEntry[] {
    return this.entries.slice(0, count).map(({ id, fields }) => ({ id, fields }));
  }

  /** Entries after `after` (exclusive), at most `count`. */
  rangeAfter(after: StreamId, count: number): StoredEntry[] {
    const start = this.firstAfter(after);
    return this.entries.slice(start, start + count).map(({ id, fields }) => ({ id, fields }));
  }

  /** The last entry's id, if any. */
  lastId(): string | undefined {
    return this.entries[this.entries.length - 1]?.id;
  }

  /** Deletes one entry (`XDEL`); returns whether it existed. */
  delete(id: string): boolean {
    const entry = this.find(id);
    if (!entry) return false;
    this.entries.splice(this.entries.indexOf(entry), 1);
    return true;
  }

  /** Applies retention limits, never (unless `unsafe`) below what a group has not read or acked; returns the number removed. */
  trim(limits: TrimLimits): number {
    let limit = limits.minTimestampMs === undefined ? undefined : { ms: Math.floor(limits.minTimestampMs), seq: 0 };
    const excess = limits.maxLength === undefined ? 0 : this.entries.length - limits.maxLength;
    if (excess > 0) {
      const newest = (this.entries[excess - 1] as MemoryEntry).sid;
      const byLength = { ms: newest.ms, seq: newest.seq + 1 };
      if (!limit || compareStreamIds(limit, byLength) < 0) limit = byLength;
    }
    if (!limit) return 0;
    const bound = limits.unsafe ? undefined : this.neededFrom();
    if (bound && compareStreamIds(bound, limit) < 0) limit = bound;
    const removed = this.firstAfter({ ms: limit.ms, seq: limit.seq - 1 });
    this.entries.splice(0, removed);
    return removed;
  }

  /** The smallest id some group still needs (oldest pending, or the one after its last delivered), if any group exists. */
  private neededFrom(): StreamId | undefined {
    let bound: StreamId | undefined;
    for (const group of this.groups.values()) {
      let needed = { ms: group.lastDelivered.ms, seq: group.lastDelivered.seq + 1 };
      const oldest = group.pending.keys().next();
      if (!oldest.done) {
        const sid = parseStreamId(oldest.value) as StreamId;
        if (compareStreamIds(sid, needed) < 0) needed = sid;
      }
      if (!bound || compareStreamIds(needed, bound) < 0) bound = needed;
    }
    return bound;
  }

  /** Marks `consumer`'s pending entries as delivered `idleMs` ago, without counting a delivery. */
  markIdle(groupName: string, consumer: string, ids: readonly string[], idleMs: number, now: number): void {
    const pending = this.group(groupName).pending;
    for (const id of ids) {
      const info = pending.get(id);
      if (info?.consumer === consumer) info.deliveredAt = now - idleMs;
    }
  }

  /** Resets the idle time of those of `ids` pending for `consumer` (`XCLAIM … 0 … JUSTID`: no delivery counted); returns how many. */
  renew(groupName: string, consumer: string, ids: readonly string[], now: number): number {
    const group = this.group(groupName);
    let renewed = 0;
    for (const id of ids) {
      const info = group.pending.get(id);
      if (info?.consumer !== consumer) continue;
      info.deliveredAt = now;
      renewed++;
    }
    if (renewed > 0) group.consumers.set(consumer, now);
    return renewed;
  }

  /** Removes those of `consumers` that hold no pending entry (`XGROUP DELCONSUMER` after a check); returns the names that held nothing. */
  removeConsumers(groupName: string, consumers: readonly string[]): string[] {
    const group = this.groups.get(groupName);
    if (!group) return [...consumers];
    const holding = this.holdingConsumers(group);
    const removed = consumers.filter((consumer) => !holding.has(consumer));
    for (const consumer of removed) group.consumers.delete(consumer);
    return removed;
  }

  /** Removes the consumers that hold nothing and were idle for more than `idleMs`, except `keep`; returns their names. */
  expireConsumers(groupName: string, idleMs: number, keep: readonly string[], now: number): string[] {
    const group = this.groups.get(groupName);
    if (!group) return [];
    const holding = this.holdingConsumers(group);
    const removed = [...group.consumers].filter(([consumer, seenAt]) => !holding.has(consumer) && !keep.includes(consumer) && now - seenAt > idleMs).map(([consumer]) => consumer);
    for (const consumer of removed) group.consumers.delete(consumer);
    return removed;
  }

  private holdingConsumers(group: MemoryGroup): Set<string> {
    const holding = new Set<string>();
    for (const info of group.pending.values()) holding.add(info.consumer);
    return holding;
  }

  /** Takes back nacked entries for redelivery: only those still pending for `consumer`. */
  claimMine(groupName: string, consumer: string, ids: readonly string[], now: number): ReadEntry[] {
    const pending = this.group(groupName).pending;
    return this.claim(groupName, consumer, ids.filter((id) => pending.get(id)?.consumer === consumer), now);
  }

  /** Assigns pending entries to `consumer`, counting a new delivery; entries deleted from the stream leave the pending list. */
  private claim(groupName: string, consumer: string, ids: readonly string[], now: number): ReadEntry[] {
    const group = this.group(groupName);
    const out: ReadEntry[] = [];
    for (const id of ids) {
      const info = group.pending.get(id);
      if (!info) continue;
      group.consumers.set(consumer, now); // XCLAIM creates the consumer once it finds a pending id
      const entry = this.find(id);
      if (!entry) {
        group.pending.delete(id);
        continue;
      }
      Object.assign(info, { consumer, deliveryCount: info.deliveryCount + 1, deliveredAt: now });
      out.push({ id, fields: entry.fields, deliveryCount: info.deliveryCount });
    }
    return out;
  }

  /** The stream and its groups now (what `XINFO STREAM`, `XINFO GROUPS`, `XINFO CONSUMERS` and `XPENDING` tell on Redis). */
  snapshot(now: number): Omit<StreamSnapshot, 'deadLetters'> {
    const groups = [...this.groups].map(([name, group]) => {
      const perConsumer = new Map<string, number>();
      for (const info of group.pending.values()) perConsumer.set(info.consumer, (perConsumer.get(info.consumer) ?? 0) + 1);
      const consumers = [...group.consumers].map(([consumer, seenAt]) => ({ name: consumer, pending: perConsumer.get(consumer) ?? 0, idleMs: Math.max(0, now - seenAt) }));
      const oldest = group.pending.keys().next();
      const { lastDeliveredId } = group;
      const lag = this.entries.length - this.firstAfter(group.lastDelivered);
      return { name, consumers, pending: group.pending.size, oldestPendingId: oldest.done ? undefined : oldest.value, lag, lastDeliveredId };
    });
    return { length: this.entries.length, firstId: this.entries[0]?.id, lastId: this.entries[this.entries.length - 1]?.id, groups };
  }

  /** Pending ids of a group, in id order (for introspection and tests). */
  pendingIds(groupName: string): string[] {
    return [...(this.groups.get(groupName)?.pending.keys() ?? [])];
  }

  /** Throws {@link MissingGroupError} unless the group exists. */
  assertGroup(name: string): void {
    this.group(name);
  }

  private group(name: string): MemoryGroup {
    const group = this.groups.get(name);
    if (!group) throw new MissingGroupError(name);
    return group;
  }

  private firstAfter(sid: StreamId): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareStreamIds((this.entries[mid] as MemoryEntry).sid, sid) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private find(id: string): MemoryEntry | undefined {
    const sid = parseStreamId(id);
    if (!sid) return undefined;
    const entry = this.entries[this.firstAfter({ ms: sid.ms, seq: sid.seq - 1 })];
    return entry && entry.id === id ? entry : undefined;
  }
}

/** A command named a consumer group the stream does not have (Redis answers `NOGROUP`). */
export class MissingGroupError extends Error {
  override name = 'MissingGroupError';
  constructor(group: string) {
    super(`NOGROUP no consumer group "${group}" for this stream`);
  }
}
