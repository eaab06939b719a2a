import type { EntryFields } from '../../codec/entryCodec';
import { TransportError } from '../../errors/TransportError';
import type { ClaimIdleRequest, GroupStart, ReadEntry, StoredEntry, StreamReader, StreamTransport } from '../StreamTransport';
import { runClaimIdle } from './claimScript';
import type { RedisConnections } from './connect';
import { RedisStreamReader } from './RedisStreamReader';
import { toClaimedEntries, toStoredEntries } from './replies';

/** {@link StreamTransport} over Redis Streams: `XADD`, `XREADGROUP`, `XACK`, `XCLAIM` on one command connection, one connection per reader. */
export class RedisStreamTransport implements StreamTransport {
  private readonly readers = new Set<StreamReader>();

  constructor(private readonly connections: RedisConnections) {}

  async ensureGroup(key: string, group: string, start: GroupStart): Promise<void> {
    try {
      await this.connections.command.xgroup('CREATE', key, group, start === 'new' ? '$' : '0', 'MKSTREAM');
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('BUSYGROUP')) return;
      throw new TransportError('ensureGroup', error);
    }
  }

  async append(key: string, entries: readonly EntryFields[]): Promise<string[]> {
    const pipeline = this.connections.command.pipeline();
    for (const fields of entries) pipeline.xadd(key, '*', ...Object.entries(fields).flat());
    const results = await pipeline.exec().catch((error: unknown) => {
      throw new TransportError('append', error);
    });
    return (results ?? []).map(([error, id]) => {
      if (error) throw new TransportError('append', error);
      return id as string;
    });
  }

  openReader(key: string, group: string, consumer: string): StreamReader {
    const reader = new RedisStreamReader(this.connections, key, group, consumer, () => this.readers.delete(reader));
    this.readers.add(reader);
    return reader;
  }

  async ack(key: string, group: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.guard('ack', () => this.connections.command.xack(key, group, ...ids));
  }

  async claimIdle(key: string, group: string, consumer: string, request: ClaimIdleRequest): Promise<ReadEntry[]> {
    const args = [group, consumer, Math.floor(request.minIdleMs), request.count, request.owner];
    return toClaimedEntries(await this.guard('claimIdle', () => runClaimIdle(this.connections.command, key, args)));
  }

  async claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Promise<StoredEntry[]> {
    if (ids.length === 0) return [];
    return toStoredEntries(await this.guard('claimIds', () => this.connections.command.xclaim(key, group, consumer, 0, ...ids)));
  }

  async close(): Promise<void> {
    for (const reader of [...this.readers]) reader.close();
    await this.connections.close();
  }

  private async guard<R>(operation: string, work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      throw new TransportError(operation, error);
    }
  }
}
