import { Observable, of } from 'rxjs';
import type { EntryFields } from '../../codec/entryFields';
import { toDeadLetterFields } from '../../deadLetters/deadLetterFields';
import type { ConnectionState, HealthWarning, ServerReport } from '../../health/ServiceHealth';
import type { ConsumerHygiene, EntryRenewal, PartitionLeases, PendingClaims, StreamCapabilities } from '../streamCapabilities';
import type { AckBatch, AppendRequest, ClaimIdleRequest, ClaimIdleResult, DeadLetterInfo, GroupStartAt, ReadEntry } from '../streamEntries';
import type { StreamReader, StreamTransport } from '../StreamTransport';
import { GroupReaders, HANDED_BACK_IDLE_MS } from '../reading/GroupReaders';
import { GroupStreamReader } from '../reading/GroupStreamReader';
import type { MemoryBroker } from './MemoryBroker';
import { memoryReadLinks } from './MemoryReadLink';
import { MemoryScheduledEntries } from './MemoryScheduledEntries';
import { MemoryStreamAdmin } from './MemoryStreamAdmin';
import { answerNow } from './memoryTransportError';

/**
 * {@link StreamTransport} over a {@link MemoryBroker}, with every capability but replicas and servers.
 * Every operation takes effect when it is sent: an Observable's on subscription (it answers then, which
 * keeps virtual time exact), a promise's on the call. What consumers do to their group (read, ack,
 * claim, renew, dead-letter, partition leases) and the connection's health are here; stream and group
 * admin and scheduled events are objects of their own ({@link MemoryStreamAdmin}, {@link MemoryScheduledEntries}).
 */
export class MemoryStreamTransport implements StreamTransport, EntryRenewal, PendingClaims, ConsumerHygiene, PartitionLeases {
  readonly capabilities: StreamCapabilities;
  /** One reader per consumer of a group over every key it reads, as on Redis. */
  private readonly readers: GroupReaders;

  /** `warnings`: what `serverWarnings()` reports (none by default: the broker is in memory by design). */
  constructor(
    private readonly broker: MemoryBroker,
    private readonly warnings: readonly HealthWarning[] = [],
  ) {
    const admin = new MemoryStreamAdmin(broker);
    this.capabilities = { renewal: this, claims: this, hygiene: this, admin, groups: admin, partitionLeases: this, scheduling: new MemoryScheduledEntries(broker) };
    this.readers = new GroupReaders(memoryReadLinks(broker), broker.scheduler, (key, group, consumer, ids) => void this.markIdle(key, group, consumer, ids, HANDED_BACK_IDLE_MS).subscribe({ error: () => undefined }));
  }

  /** Creates the group (and the stream) unless it exists. */
  ensureGroup(key: string, group: string, start: GroupStartAt): Observable<void> {
    return answerNow('ensureGroup', () => this.broker.stream(key).ensureGroup(group, start));
  }

  /** A call here is never sent twice (it takes effect before it returns): only idempotency records deduplicate. */
  append(key: string, entries: readonly EntryFields[], request: AppendRequest): Observable<string[]> {
    return answerNow('append', () => {
      const stream = this.broker.stream(key);
      const { records } = this.broker;
      const idempotency = request.idempotency;
      const ids = entries.map((fields, index) => {
        const now = this.broker.now();
        if (!idempotency) return stream.append(fields, now);
        const record = idempotency.recordKeys[index] as string;
        const known = records.get(record, now);
        if (known !== undefined) return known;
        const id = stream.append(fields, now);
        records.set(record, id, idempotency.windowMs, now);
        return id;
      });
      stream.serveWaiters(this.broker.now());
      return ids;
    });
  }

  /** A reader that waits for appends without a timer (see `MemoryReadLink`). */
  openReader(key: string, group: string, consumer: string): StreamReader {
    return new GroupStreamReader(this.readers, key, group, consumer, this.broker.scheduler);
  }

  /** Acks in each batch's stream; a missing stream or group acks nothing. */
  ack(group: string, batches: readonly AckBatch[]): Observable<void> {
    return answerNow('ack', () => {
      for (const { key, ids } of batches) this.broker.existingStream(key)?.existingGroup(group)?.ack(ids);
    });
  }

  /** Claims the consumer's own pending entries; a missing group errors (`NOGROUP`). */
  claimOwn(key: string, group: string, consumer: string, count: number): Observable<ReadEntry[]> {
    return answerNow('claimOwn', () => this.broker.stream(key).group(group).claimOwn(consumer, count, this.broker.now()));
  }

  /** One step of the claim walk over the group's pending list; a missing group errors (`NOGROUP`). */
  claimIdle(key: string, group: string, consumer: string, request: ClaimIdleRequest): Observable<ClaimIdleResult> {
    return answerNow('claimIdle', () => this.broker.stream(key).group(group).claimIdle(consumer, request, this.broker.now()));
  }

  /** Backdates the consumer's pending entries by `idleMs`; a missing group errors (`NOGROUP`). */
  markIdle(key: string, group: string, consumer: string, ids: readonly string[], idleMs: number): Observable<void> {
    return answerNow('markIdle', () => this.broker.stream(key).group(group).markIdle(consumer, ids, idleMs, this.broker.now()));
  }

  /** Renews the consumer's pending entries; 0 for a missing stream, `NOGROUP` for a missing group. */
  renew(key: string, group: string, consumer: string, ids: readonly string[]): Observable<number> {
    return answerNow('renew', () => this.broker.existingStream(key)?.group(group).renew(consumer, ids, this.broker.now()) ?? 0);
  }

  /** Removes the consumers that hold nothing; with no such stream or group, every name held nothing. */
  removeConsumers(key: string, group: string, consumers: readonly string[]): Observable<string[]> {
    return answerNow('removeConsumers', () => this.broker.existingStream(key)?.existingGroup(group)?.removeConsumers(consumers) ?? [...consumers]);
  }

  /** Removes the idle consumers that hold nothing; none with no such stream or group. */
  expireConsumers(key: string, group: string, idleMs: number, keep: readonly string[]): Observable<string[]> {
    return answerNow('expireConsumers', () => this.broker.existingStream(key)?.existingGroup(group)?.expireConsumers(idleMs, keep, this.broker.now()) ?? []);
  }

  /** Appends the dead letter and acks the entry, if it is pending for the group. */
  deadLetter(key: string, deadLetterKey: string, group: string, id: string, info: DeadLetterInfo): Observable<boolean> {
    return answerNow('deadLetter', () => {
      const stream = this.broker.stream(key);
      const consumerGroup = stream.existingGroup(group);
      if (!consumerGroup?.pendingInfo(id)) return false;
      this.broker.stream(deadLetterKey).append(toDeadLetterFields(id, group, info, stream.fields(id)), this.broker.now());
      consumerGroup.ack([id]);
      return true;
    });
  }

  /** Takes back the ids still pending for the consumer; a missing group errors (`NOGROUP`). */
  claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Observable<ReadEntry[]> {
    return answerNow('claimIds', () => this.broker.stream(key).group(group).claimMine(consumer, ids, this.broker.now()));
  }

  /** Registers the member by the broker's clock and lists the live ones (the broker lives in this process: always ready). */
  heartbeat(membersKey: string, member: string, ttlMs: number): Promise<string[]> {
    return Promise.resolve(this.broker.leases.heartbeat(membersKey, member, ttlMs, this.broker.now()));
  }

  /** Leaves the membership set at once. */
  leave(membersKey: string, member: string): Promise<void> {
    this.broker.leases.leave(membersKey, member);
    return Promise.resolve();
  }

  /** Takes or renews the lease by the broker's clock. */
  acquireLease(leaseKey: string, owner: string, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.broker.leases.acquire(leaseKey, owner, ttlMs, this.broker.now()));
  }

  /** Gives the lease up if `owner` holds it (or its time ran out). */
  releaseLease(leaseKey: string, owner: string): Promise<void> {
    this.broker.leases.release(leaseKey, owner, this.broker.now());
    return Promise.resolve();
  }

  /** Always `ready`: the broker is in this process. */
  connectionState(): ConnectionState {
    return 'ready';
  }

  /** At once: the broker is in this process. */
  ready(): Observable<void> {
    return of(undefined);
  }

  /** Never unreachable: always `undefined`. */
  unreachable(): undefined {
    return undefined;
  }

  /** `memory`, with the warnings it was made with. */
  serverReport(): Promise<ServerReport> {
    return Promise.resolve({ server: 'memory', warnings: [...this.warnings] });
  }

  /** Closes the group readers (a waiting read answers nothing); the broker's data stays. */
  close(): Promise<void> {
    this.readers.close();
    return Promise.resolve();
  }
}
