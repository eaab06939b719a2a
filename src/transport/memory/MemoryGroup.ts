import { compareStreamIds, parseStreamId, type StreamId } from '../../internal/streamId';
import type { GroupSnapshot } from '../StreamSnapshot';
import type { ClaimIdleRequest, ClaimIdleResult, ReadEntry } from '../StreamTransport';
import type { LogPosition, MemoryEntryLog } from './MemoryEntryLog';

/** The pending record of one entry: who holds it, how often it was delivered, and when last. */
interface PendingInfo {
  consumer: string;
  deliveryCount: number;
  deliveredAt: number;
}

/**
 * One consumer group of an in-memory stream, as Redis keeps it beside the stream's entries: a
 * last-delivered id, a pending entries list (who holds each entry, its delivery count and time) and
 * the consumers with when they last read or claimed. It reads its entries from the stream's log.
 */
export class MemoryGroup {
  private lastDelivered: StreamId;
  /** `lastDelivered` as given (an id after a moment has a sequence number beyond what a number holds exactly). */
  private lastDeliveredId: string;
  /** Pending entries in id order (a Map keeps insertion order; claims update in place). */
  private readonly pending = new Map<string, PendingInfo>();
  /** Consumers that read or claimed, with when they last did (what `XINFO CONSUMERS` lists). */
  private readonly consumers = new Map<string, number>();

  /** A group of the stream whose entries are `log`, with nothing pending, having delivered up to `at`. */
  constructor(
    private readonly log: MemoryEntryLog,
    at: LogPosition,
  ) {
    this.lastDelivered = at.sid;
    this.lastDeliveredId = at.id;
  }

  /** Moves the last delivered id (`XGROUP SETID`); the pending entries stay. */
  moveTo(at: LogPosition): void {
    this.lastDelivered = at.sid;
    this.lastDeliveredId = at.id;
  }

  /** Delivers to `consumer` up to `count` entries never delivered to the group (`XREADGROUP … >`), making them pending for it. */
  readNew(consumer: string, count: number, now: number): ReadEntry[] {
    this.consumers.set(consumer, now);
    const out: ReadEntry[] = [];
    for (let index = this.log.firstAfter(this.lastDelivered); index < this.log.length && out.length < count; index++) {
      const entry = this.log.at(index);
      this.lastDelivered = entry.sid;
      this.lastDeliveredId = entry.id;
      this.pending.set(entry.id, { consumer, deliveryCount: 1, deliveredAt: now });
      out.push({ id: entry.id, fields: entry.fields, deliveryCount: 1 });
    }
    return out;
  }

  /** Removes `ids` from the pending list (`XACK`); ids not pending are ignored. */
  ack(ids: readonly string[]): void {
    for (const id of ids) this.pending.delete(id);
  }

  /** Takes back, counting a new delivery, up to `count` of the entries pending for `consumer` (left by an earlier run under its name). */
  claimOwn(consumer: string, count: number, now: number): ReadEntry[] {
    const ids = [...this.pending].filter(([, info]) => info.consumer === consumer).map(([id]) => id);
    return this.claim(consumer, ids.slice(0, count), now);
  }

  /** One step of a walk over the pending list from `request.cursor`: claims for `consumer` entries idle for `minIdleMs` it does not hold (or held ones delivered `maxDeliveries` times). */
  claimIdle(consumer: string, request: ClaimIdleRequest, now: number): ClaimIdleResult {
    const cursor = parseStreamId(request.cursor) ?? { ms: 0, seq: 0 };
    const holding = new Set(request.holding);
    const ids: string[] = [];
    for (const [id, info] of this.pending) {
      if (ids.length >= request.count) return { entries: this.claim(consumer, ids, now), cursor: ids[ids.length - 1] as string };
      const sid = parseStreamId(id) as StreamId;
      const takeable = !holding.has(id) || info.deliveryCount >= request.maxDeliveries;
      if (compareStreamIds(sid, cursor) > 0 && takeable && now - info.deliveredAt >= request.minIdleMs) ids.push(id);
    }
    return { entries: this.claim(consumer, ids, now), cursor: '0-0' };
  }

  /** Takes back nacked entries for redelivery: only those still pending for `consumer`. */
  claimMine(consumer: string, ids: readonly string[], now: number): ReadEntry[] {
    return this.claim(consumer, ids.filter((id) => this.pending.get(id)?.consumer === consumer), now);
  }

  /** Assigns pending entries to `consumer`, counting a new delivery; entries deleted from the stream leave the pending list. */
  private claim(consumer: string, ids: readonly string[], now: number): ReadEntry[] {
    const out: ReadEntry[] = [];
    for (const id of ids) {
      const info = this.pending.get(id);
      if (!info) continue;
      this.consumers.set(consumer, now); // XCLAIM creates the consumer once it finds a pending id
      const entry = this.log.find(id);
      if (!entry) {
        this.pending.delete(id);
        continue;
      }
      Object.assign(info, { consumer, deliveryCount: info.deliveryCount + 1, deliveredAt: now });
      out.push({ id, fields: entry.fields, deliveryCount: info.deliveryCount });
    }
    return out;
  }

  /** Marks `consumer`'s pending entries as delivered `idleMs` ago, without counting a delivery. */
  markIdle(consumer: string, ids: readonly string[], idleMs: number, now: number): void {
    for (const id of ids) {
      const info = this.pending.get(id);
      if (info?.consumer === consumer) info.deliveredAt = now - idleMs;
    }
  }

  /** Resets the idle time of those of `ids` pending for `consumer` (`XCLAIM … 0 … JUSTID`: no delivery counted); returns how many. */
  renew(consumer: string, ids: readonly string[], now: number): number {
    let renewed = 0;
    for (const id of ids) {
      const info = this.pending.get(id);
      if (info?.consumer !== consumer) continue;
      info.deliveredAt = now;
      renewed++;
    }
    if (renewed > 0) this.consumers.set(consumer, now);
    return renewed;
  }

  /** Removes those of `consumers` that hold no pending entry (`XGROUP DELCONSUMER` after a check); returns the names that held nothing. */
  removeConsumers(consumers: readonly string[]): string[] {
    const holding = this.holdingConsumers();
    const removed = consumers.filter((consumer) => !holding.has(consumer));
    for (const consumer of removed) this.consumers.delete(consumer);
    return removed;
  }

  /** Removes the consumers that hold nothing and were idle for more than `idleMs`, except `keep`; returns their names. */
  expireConsumers(idleMs: number, keep: readonly string[], now: number): string[] {
    const holding = this.holdingConsumers();
    const removed = [...this.consumers].filter(([consumer, seenAt]) => !holding.has(consumer) && !keep.includes(consumer) && now - seenAt > idleMs).map(([consumer]) => consumer);
    for (const consumer of removed) this.consumers.delete(consumer);
    return removed;
  }

  /** The consumers that hold at least one pending entry. */
  private holdingConsumers(): Set<string> {
    const holding = new Set<string>();
    for (const info of this.pending.values()) holding.add(info.consumer);
    return holding;
  }

  /** The pending record of an entry, if it is pending. */
  pendingInfo(id: string): Readonly<PendingInfo> | undefined {
    return this.pending.get(id);
  }

  /** Pending ids, in id order (for introspection and tests). */
  pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  /** The smallest id the group still needs: its oldest pending entry, or the one after its last delivered. */
  neededFrom(): StreamId {
    let needed = { ms: this.lastDelivered.ms, seq: this.lastDelivered.seq + 1 };
    const oldest = this.pending.keys().next();
    if (!oldest.done) {
      const sid = parseStreamId(oldest.value) as StreamId;
      if (compareStreamIds(sid, needed) < 0) needed = sid;
    }
    return needed;
  }

  /** The group named `name` now (what `XINFO GROUPS`, `XINFO CONSUMERS` and `XPENDING` tell on Redis). */
  snapshot(name: string, now: number): GroupSnapshot {
    const perConsumer = new Map<string, number>();
    for (const info of this.pending.values()) perConsumer.set(info.consumer, (perConsumer.get(info.consumer) ?? 0) + 1);
    const consumers = [...this.consumers].map(([consumer, seenAt]) => ({ name: consumer, pending: perConsumer.get(consumer) ?? 0, idleMs: Math.max(0, now - seenAt) }));
    const oldest = this.pending.keys().next();
    const { lastDeliveredId } = this;
    const lag = this.log.length - this.log.firstAfter(this.lastDelivered);
    return { name, consumers, pending: this.pending.size, oldestPendingId: oldest.done ? undefined : oldest.value, lag, lastDeliveredId };
  }
}
