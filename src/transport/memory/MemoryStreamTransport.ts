import type { EntryFields } from '../../codec/entryCodec';
import { TransportError } from '../../errors/TransportError';
import { toDeadLetterFields, toRedrivenFields } from '../../deadLetters/deadLetterFields';
import type { ClaimIdleRequest, ClaimIdleResult, DeadLetterInfo, GroupStart, ReadEntry, StoredEntry, StreamReader, StreamTransport, TrimLimits } from '../StreamTransport';
import type { MemoryBroker } from './MemoryBroker';

/** {@link StreamTransport} over a {@link MemoryBroker}. */
export class MemoryStreamTransport implements StreamTransport {
  constructor(private readonly broker: MemoryBroker) {}

  ensureGroup(key: string, group: string, start: GroupStart): Promise<void> {
    return this.run('ensureGroup', () => this.broker.stream(key).ensureGroup(group, start));
  }

  append(key: string, entries: readonly EntryFields[]): Promise<string[]> {
    return this.run('append', () => {
      const stream = this.broker.stream(key);
      const ids = entries.map((fields) => stream.append(fields, this.broker.now()));
      stream.serveWaiters(this.broker.now());
      return ids;
    });
  }

  openReader(key: string, group: string, consumer: string): StreamReader {
    return new MemoryStreamReader(this.broker, key, group, consumer);
  }

  ack(key: string, group: string, ids: readonly string[]): Promise<void> {
    return this.run('ack', () => this.broker.existingStream(key)?.ack(group, ids));
  }

  claimOwn(key: string, group: string, consumer: string, count: number): Promise<ReadEntry[]> {
    return this.run('claimOwn', () => this.broker.stream(key).claimOwn(group, consumer, count, this.broker.now()));
  }

  claimIdle(key: string, group: string, consumer: string, request: ClaimIdleRequest): Promise<ClaimIdleResult> {
    return this.run('claimIdle', () => this.broker.stream(key).claimIdle(group, consumer, request, this.broker.now()));
  }

  deadLetter(key: string, deadLetterKey: string, group: string, id: string, info: DeadLetterInfo): Promise<boolean> {
    return this.run('deadLetter', () => {
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

  claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Promise<StoredEntry[]> {
    return this.run('claimIds', () => this.broker.stream(key).claimIds(group, consumer, ids, this.broker.now()));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private run<R>(operation: string, work: () => R): Promise<R> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(new TransportError(operation, error));
    }
  }
}

/** A reader that waits, without timers, until the broker has entries for it or it is interrupted. */
class MemoryStreamReader implements StreamReader {
  private cancelWait: (() => void) | undefined;
  private interrupted = false;
  private closed = false;

  constructor(
    private readonly broker: MemoryBroker,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
  ) {}

  read(count: number, _blockMs: number): Promise<ReadEntry[]> {
    if (this.closed || this.interrupted) {
      this.interrupted = false;
      return Promise.resolve([]);
    }
    const stream = this.broker.stream(this.key);
    try {
      const ready = stream.readNew(this.group, this.consumer, count, this.broker.now());
      if (ready.length > 0) return Promise.resolve(ready);
    } catch (error) {
      return Promise.reject(new TransportError('read', error));
    }
    return new Promise((resolve) => {
      const remove = stream.wait({ group: this.group, consumer: this.consumer, count, resolve: (entries) => this.settle(resolve, entries) });
      this.cancelWait = () => {
        remove();
        this.settle(resolve, []);
      };
    });
  }

  interrupt(): void {
    if (this.cancelWait) this.cancelWait();
    else this.interrupted = true;
  }

  close(): void {
    this.closed = true;
    this.cancelWait?.();
  }

  private settle(resolve: (entries: ReadEntry[]) => void, entries: ReadEntry[]): void {
    this.cancelWait = undefined;
    resolve(entries);
  }
}
