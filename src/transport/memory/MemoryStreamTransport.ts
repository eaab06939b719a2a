import { Observable, of } from 'rxjs';
import type { EntryFields } from '../../codec/entryFields';
import { toDeadLetterFields, toRedrivenFields } from '../../deadLetters/deadLetterFields';
import type { ConnectionState, HealthWarning, ServerReport } from '../../health/ServiceHealth';
import type { StreamSnapshot } from '../StreamSnapshot';
import type { ConsumerHygiene, EntryRenewal, GroupAdmin, PartitionLeases, PendingClaims, StreamAdmin, StreamCapabilities } from '../streamCapabilities';
import type { AckBatch, AppendRequest, ClaimIdleRequest, ClaimIdleResult, DeadLetterInfo, GroupMove, GroupStartAt, ReadEntry, StoredEntry, TrimLimits } from '../streamEntries';
import type { StreamReader, StreamTransport } from '../StreamTransport';
import { GroupReaders, HANDED_BACK_IDLE_MS } from '../reading/GroupReaders';
import { GroupStreamReader } from '../reading/GroupStreamReader';
import type { MemoryBroker } from './MemoryBroker';
import { memoryReadLinks } from './MemoryReadLink';
import { MemoryScheduledEntries } from './MemoryScheduledEntries';
import { answerNow, memoryTransportError } from './memoryTransportError';
import { parseStreamId } from '../../internal/streamId';

/**
 * {@link StreamTransport} over a {@link MemoryBroker}, with every capability but replicas and servers.
 * Every operation takes effect when it is sent: an Observable's on subscription (it answers then, which
 * keeps virtual time exact), a promise's on the call.
 */
export class MemoryStreamTransport implements StreamTransport, EntryRenewal, PendingClaims, ConsumerHygiene, StreamAdmin, GroupAdmin, PartitionLeases {
  readonly capabilities: StreamCapabilities = { renewal: this, claims: this, hygiene: this, admin: this, groups: this, partitionLeases: this };
  /** One reader per consumer of a group over every key it reads, as on Redis. */
  private readonly readers: GroupReaders;

  /** `warnings`: what `serverWarnings()` reports (none by default: the broker is in memory by design). */
  constructor(
    private readonly broker: MemoryBroker,
    private readonly warnings: readonly HealthWarning[] = [],
  ) {
    // scheduled events are an object of their own (this class has enough to do)
    this.capabilities = { ...this.capabilities, scheduling: new MemoryScheduledEntries(broker) };
    this.readers = new GroupReaders(memoryReadLinks(broker), broker.scheduler, (key, group, consumer, ids) => void this.markIdle(key, group, consumer, ids, HANDED_BACK_IDLE_MS).subscribe({ error: () => undefined }));
  }

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

  openReader(key: string, group: string, consumer: string): StreamReader {
    return new GroupStreamReader(this.readers, key, group, consumer, this.broker.scheduler);
  }

  ack(group: string, batches: readonly AckBatch[]): Observable<void> {
    return answerNow('ack', () => {
      for (const { key, ids } of batches) this.broker.existingStream(key)?.ack(group, ids);
    });
  }

  claimOwn(key: string, group: string, consumer: string, count: number): Observable<ReadEntry[]> {
    return answerNow('claimOwn', () => this.broker.stream(key).claimOwn(group, consumer, count, this.broker.now()));
  }

  claimIdle(key: string, group: string, consumer: string, request: ClaimIdleRequest): Observable<ClaimIdleResult> {
    return answerNow('claimIdle', () => this.broker.stream(key).claimIdle(group, consumer, request, this.broker.now()));
  }

  markIdle(key: string, group: string, consumer: string, ids: readonly string[], idleMs: number): Observable<void> {
    return answerNow('markIdle', () => this.broker.stream(key).markIdle(group, consumer, ids, idleMs, this.broker.now()));
  }

  renew(key: string, group: string, consumer: string, ids: readonly string[]): Observable<number> {
    return answerNow('renew', () => this.broker.existingStream(key)?.renew(group, consumer, ids, this.broker.now()) ?? 0);
  }

  removeConsumers(key: string, group: string, consumers: readonly string[]): Observable<string[]> {
    return answerNow('removeConsumers', () => this.broker.existingStream(key)?.removeConsumers(group, consumers) ?? [...consumers]);
  }

  expireConsumers(key: string, group: string, idleMs: number, keep: readonly string[]): Observable<string[]> {
    return answerNow('expireConsumers', () => this.broker.existingStream(key)?.expireConsumers(group, idleMs, keep, this.broker.now()) ?? []);
  }

  deadLetter(key: string, deadLetterKey: string, group: string, id: string, info: DeadLetterInfo): Observable<boolean> {
    return answerNow('deadLetter', () => {
      const stream = this.broker.stream(key);
      if (!stream.pendingInfo(group, id)) return false;
      this.broker.stream(deadLetterKey).append(toDeadLetterFields(id, group, info, stream.fields(id)), this.broker.now());
      stream.ack(group, [id]);
      return true;
    });
  }

  readDeadLetters(deadLetterKey: string, count: number): Promise<StoredEntry[]> {
    return this.run('readDeadLetters', () => this.broker.existingStream(deadLetterKey)?.range(count) ?? []);
  }

  readAfter(key: string, after: string, count: number): Promise<StoredEntry[]> {
    return this.run('readAfter', () => {
      const sid = parseStreamId(after);
      if (!sid) throw new Error(`Invalid stream ID specified as stream command argument: ${after}`);
      return this.broker.existingStream(key)?.rangeAfter(sid, count) ?? [];
    });
  }

  lastId(key: string): Promise<string | undefined> {
    return this.run('lastId', () => this.broker.existingStream(key)?.lastId());
  }

  redrive(key: string, deadLetterKey: string, id: string): Promise<string | undefined> {
    return this.run('redrive', () => {
      const deadLetters = this.broker.existingStream(deadLetterKey);
      const entry = deadLetters?.range(Number.MAX_SAFE_INTEGER).find((candidate) => candidate.id === id);
      const fields = entry && toRedrivenFields(entry.fields);
      if (!deadLetters || !fields) return undefined;
      const stream = this.broker.stream(key);
      const newId = stream.append(fields, this.broker.now());
      deadLetters.delete(id);
      stream.serveWaiters(this.broker.now());
      return newId;
    });
  }

  trim(key: string, limits: TrimLimits): Promise<number> {
    return this.run('trim', () => this.broker.existingStream(key)?.trim(limits) ?? 0);
  }

  moveGroup(key: string, group: string, to: GroupMove): Promise<boolean> {
    return this.run('moveGroup', () => this.broker.existingStream(key)?.moveGroup(group, to) ?? false);
  }

  removeGroup(key: string, group: string): Promise<boolean> {
    return this.run('removeGroup', () => this.broker.existingStream(key)?.removeGroup(group) ?? false);
  }

  claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Observable<ReadEntry[]> {
    return answerNow('claimIds', () => this.broker.stream(key).claimMine(group, consumer, ids, this.broker.now()));
  }

  describe(key: string, deadLetterKey: string): Promise<StreamSnapshot> {
    return this.run('describe', () => {
      const deadLetters = this.broker.existingStream(deadLetterKey)?.length ?? 0;
      const stream = this.broker.existingStream(key);
      if (!stream) return { length: 0, firstId: undefined, lastId: undefined, groups: [], deadLetters };
      return { ...stream.snapshot(this.broker.now()), deadLetters };
    });
  }

  /** The broker lives in this process: always ready. */
  heartbeat(membersKey: string, member: string, ttlMs: number): Promise<string[]> {
    return Promise.resolve(this.broker.leases.heartbeat(membersKey, member, ttlMs, this.broker.now()));
  }

  leave(membersKey: string, member: string): Promise<void> {
    this.broker.leases.leave(membersKey, member);
    return Promise.resolve();
  }

  acquireLease(leaseKey: string, owner: string, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.broker.leases.acquire(leaseKey, owner, ttlMs, this.broker.now()));
  }

  releaseLease(leaseKey: string, owner: string): Promise<void> {
    this.broker.leases.release(leaseKey, owner, this.broker.now());
    return Promise.resolve();
  }

  connectionState(): ConnectionState {
    return 'ready';
  }

  /** At once: the broker is in this process. */
  ready(): Observable<void> {
    return of(undefined);
  }

  unreachable(): undefined {
    return undefined;
  }

  /** `memory`, with the warnings it was made with. */
  serverReport(): Promise<ServerReport> {
    return Promise.resolve({ server: 'memory', warnings: [...this.warnings] });
  }

  close(): Promise<void> {
    this.readers.close();
    return Promise.resolve();
  }

  private run<R>(operation: string, work: () => R): Promise<R> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(memoryTransportError(operation, error));
    }
  }
}
