import type { Redis } from 'ioredis';
import { defer, type Observable } from 'rxjs';
import { TransportError } from '../../errors/TransportError';
import type { ReadEntry, StreamReader } from '../StreamTransport';
import type { RedisConnections } from './connect';
import { toReadEntries } from './replies';

/** How long after its BLOCK time a read without an answer counts as lost. */
const BLOCKING_GRACE_MS = 500;

/**
 * A blocking `XREADGROUP` reader on a connection of its own. `interrupt()` ends a blocked read
 * at once with `CLIENT UNBLOCK` sent on the command connection.
 */
export class RedisStreamReader implements StreamReader {
  private readonly connection: Redis;
  private clientId: number | undefined;
  private reading = false;
  private interrupted = false;
  private closed = false;

  constructor(
    private readonly connections: RedisConnections,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
    private readonly onClose: () => void,
  ) {
    // blockingTimeout: ioredis ends a blocking read that gets no answer (a dead socket) after its BLOCK time plus a grace.
    this.connection = connections.duplicate({ blockingTimeout: 1000, blockingTimeoutGrace: BLOCKING_GRACE_MS });
    this.connection.on('ready', () => this.learnClientId());
    this.connection.on('error', () => undefined); // failures surface through read()
  }

  read(count: number, blockMs: number): Observable<ReadEntry[]> {
    return defer(() => this.readOnce(count, blockMs));
  }

  private async readOnce(count: number, blockMs: number): Promise<ReadEntry[]> {
    if (this.closed || this.interrupted) {
      this.interrupted = false;
      return [];
    }
    this.reading = true;
    const block = Math.max(1, Math.floor(blockMs));
    const started = performance.now();
    try {
      const reply = await this.connection.xreadgroup('GROUP', this.group, this.consumer, 'COUNT', count, 'BLOCK', block, 'STREAMS', this.key, '>');
      // No answer within BLOCK: ioredis' guard gave up on a connection that may be dead without a
      // close event. Reconnect rather than queue the next read behind it. (Entries the server still
      // hands to this consumer stay pending and are taken over after claimIdleAfterMs.)
      if (reply === null && performance.now() - started >= block + BLOCKING_GRACE_MS) this.connection.disconnect(true);
      return toReadEntries(reply);
    } catch (error) {
      if (this.closed) return [];
      throw new TransportError('read', error);
    } finally {
      this.reading = false;
    }
  }

  interrupt(): void {
    if (!this.reading || this.clientId === undefined) {
      this.interrupted = true;
      return;
    }
    this.connections.command.client('UNBLOCK', this.clientId).catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.connection.disconnect();
  }

  private learnClientId(): void {
    this.connection.client('ID').then(
      (id) => {
        this.clientId = Number(id);
      },
      () => undefined,
    );
  }
}
