import type { EntryFields } from '../../codec/entryCodec';
import { compareStreamIds, parseStreamId, type StreamId } from '../../internal/streamId';
import type { ClaimIdleRequest, GroupStart, ReadEntry, StoredEntry } from '../StreamTransport';

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
  /** Pending entries in id order (a Map keeps insertion order; claims update in place). */
  readonly pending: Map<string, PendingInfo>;
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

  ensureGroup(name: string, start: GroupStart): void {
    if (this.groups.has(name)) return;
    this.groups.set(name, { lastDelivered: start === 'new' ? this.last : { ms: 0, seq: 0 }, pending: new Map() });
  }

  readNew(groupName: string, consumer: string, count: number, now: number): ReadEntry[] {
    const group = this.group(groupName);
    const out: ReadEntry[] = [];
    for (let index = this.firstAfter(group.lastDelivered); index < this.entries.length && out.length < count; index++) {
      const entry = this.entries[index] as MemoryEntry;
      group.lastDelivered = entry.sid;
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
      if (!this.groups.has(waiter.group)) continue;
      const entries = this.readNew(waiter.group, waiter.consumer, waiter.count, now);
      if (entries.length === 0) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(entries);
    }
  }

  ack(groupName: string, ids: readonly string[]): void {
    const group = this.groups.get(groupName);
    if (!group) return;
    for (const id of ids) group.pending.delete(id);
  }

  claimIdle(groupName: string, consumer: string, request: ClaimIdleRequest, now: number): ReadEntry[] {
    const group = this.group(groupName);
    const out: ReadEntry[] = [];
    for (const [id, info] of group.pending) {
      if (out.length >= request.count) break;
      if ((info.consumer === consumer) !== (request.owner === 'self')) continue;
      if (now - info.deliveredAt < request.minIdleMs) continue;
      const entry = this.find(id);
      if (!entry) {
        group.pending.delete(id);
        continue;
      }
      info.consumer = consumer;
      info.deliveryCount++;
      info.deliveredAt = now;
      out.push({ id, fields: entry.fields, deliveryCount: info.deliveryCount });
    }
    return out;
  }

  claimIds(groupName: string, consumer: string, ids: readonly string[], now: number): StoredEntry[] {
    const group = this.group(groupName);
    const out: StoredEntry[] = [];
    for (const id of ids) {
      const info = group.pending.get(id);
      if (!info) continue;
      const entry = this.find(id);
      if (!entry) {
        group.pending.delete(id);
        continue;
      }
      Object.assign(info, { consumer, deliveryCount: info.deliveryCount + 1, deliveredAt: now });
      out.push({ id, fields: entry.fields });
    }
    return out;
  }

  /** Pending ids of a group, in id order (for introspection and tests). */
  pendingIds(groupName: string): string[] {
    return [...(this.groups.get(groupName)?.pending.keys() ?? [])];
  }

  private group(name: string): MemoryGroup {
    const group = this.groups.get(name);
    if (!group) throw new Error(`NOGROUP no consumer group "${name}" for this stream`);
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
