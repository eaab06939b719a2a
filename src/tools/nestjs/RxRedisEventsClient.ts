import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { randomBytes } from 'node:crypto';
import type { Subscription } from 'rxjs';
import { broadcastStream, createEventService, type BroadcastStream, type EventService, type EventServiceOptions } from '../../index';
import { PatternDefinitions, type PatternDefinitionsOptions } from './patternDefinitions';
import { REPLY_CHANNEL_PREFIX, REQUEST_FIELD, type ReplyEnvelope, type RequestEnvelope } from './requestEnvelope';
import type { RxRedisEventsTransportEvents } from './RxRedisEventsServer';

/** Options of {@link RxRedisEventsClient}: those of the `EventService` it creates (`group` optional), and the definitions of patterns that need options. */
export interface RxRedisEventsClientOptions extends Omit<EventServiceOptions, 'group'>, PatternDefinitionsOptions {
  /** The group name of the client's service (it consumes nothing; the name shows in instrumentation). Default `'nestjs-client'`. */
  readonly group?: string;
}

/** The error a request still waiting for its answer gets when the client closes. */
export class ClientClosedError extends Error {
  constructor(readonly pattern: string) {
    super(`rx-redis-events/nestjs: the RxRedisEventsClient closed before the request to "${pattern}" was answered`);
    this.name = 'ClientClosedError';
  }
}

/**
 * A NestJS `ClientProxy` for {@link RxRedisEventsServer}: `emit(pattern, data)` appends the event to
 * the stream (or broadcasts it, for a broadcast pattern) and completes once the broker has it,
 * emitting the entry id; `send(pattern, data)` appends a request with a correlation id and this
 * client's reply channel, and emits what the `@MessagePattern` handler returns (an error as the
 * RPC error NestJS's filters made of it). Timeouts are the caller's (`timeout` operator).
 *
 * ## Example
 * ```ts
 * import { ClientsModule } from '@nestjs/microservices';
 * import { RxRedisEventsClient } from 'rx-redis-events/nestjs';
 *
 * ClientsModule.register([{ name: 'ORDERS', customClass: RxRedisEventsClient, options: { redis: process.env.REDIS_URL } }]);
 * ```
 */
export class RxRedisEventsClient extends ClientProxy {
  private service: EventService | undefined;
  private connecting: Promise<void> | undefined;
  private replies: Subscription | undefined;
  private readonly definitions: PatternDefinitions;
  private readonly replyChannel: BroadcastStream<ReplyEnvelope>;
  private readonly pending = new Map<string, { readonly pattern: string; readonly callback: (packet: WritePacket) => void }>();
  private readonly errorListeners: ((error: unknown) => void)[] = [];

  constructor(private readonly options: RxRedisEventsClientOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw new TypeError('rx-redis-events/nestjs: RxRedisEventsClient options must be an object');
    this.definitions = new PatternDefinitions(options, 'RxRedisEventsClient');
    this.replyChannel = broadcastStream<ReplyEnvelope>(`${REPLY_CHANNEL_PREFIX}${options.consumer ?? randomBytes(8).toString('hex')}`);
  }

  /** Creates the service and subscribes to this client's reply channel; resolves once replies can arrive. Called by `send`/`emit` when needed. */
  connect(): Promise<void> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  /** Closes the service; requests still waiting for their answer fail with {@link ClientClosedError}. `connect()` opens it again. */
  async close(): Promise<void> {
    const service = this.service;
    this.service = undefined;
    this.connecting = undefined;
    this.replies?.unsubscribe();
    for (const [id, { pattern, callback }] of this.pending) {
      this.pending.delete(id);
      callback({ err: new ClientClosedError(pattern), isDisposed: true });
    }
    await service?.close();
    this._status$?.next('disconnected');
  }

  /** Listens to `'error'`: problems the service reports to `onError`. */
  override on(event: 'error', callback: RxRedisEventsTransportEvents['error']): void;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- the signature of NestJS's own `on`
  override on(event: string, callback: Function): void;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  override on(event: string, callback: Function): void {
    if (event !== 'error') throw new TypeError(`rx-redis-events/nestjs: RxRedisEventsClient has no event ${JSON.stringify(event)} (only 'error')`);
    this.errorListeners.push(callback as RxRedisEventsTransportEvents['error']);
  }

  /** The client's `EventService`, once connected. */
  unwrap<T = EventService>(): T {
    if (!this.service) throw new Error('rx-redis-events/nestjs: RxRedisEventsClient is not connected; call connect() first');
    return this.service as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = this.normalizePattern(packet.pattern as string);
    const target = this.definitions.resolve(pattern);
    const service = this.service;
    if (target.kind === 'broadcastStream' || !service) {
      const reason = !service ? 'the client is closed' : `"${pattern}" is a broadcast stream (use emit)`;
      callback({ err: new TypeError(`rx-redis-events/nestjs: cannot send a request to "${pattern}": ${reason}`), isDisposed: true });
      return () => undefined;
    }
    const { id } = this.assignPacketId(packet);
    this.pending.set(id, { pattern, callback });
    const request: RequestEnvelope = { [REQUEST_FIELD]: { id, replyTo: this.replyChannel.name }, data: packet.data };
    service.produce(target.stream, request).catch((err: unknown) => {
      if (this.pending.delete(id)) callback({ err, isDisposed: true });
    });
    return () => void this.pending.delete(id);
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const target = this.definitions.resolve(this.normalizePattern(packet.pattern as string));
    const service = this.unwrap<EventService>();
    if (target.kind === 'broadcastStream') return (await service.broadcast(target.broadcast, packet.data)) as T;
    const [id] = await service.produce(target.stream, packet.data);
    return id as T;
  }

  private async open(): Promise<void> {
    const { group, streams: _streams, broadcasts: _broadcasts, ...serviceOptions } = this.options;
    const service = createEventService({ ...serviceOptions, group: group ?? 'nestjs-client', onError: (error) => this.report(error) });
    this.service = service;
    this.replies = service.listen(this.replyChannel).subscribe((reply) => this.route(reply));
    await service.listening(this.replyChannel);
    this._status$?.next('connected');
  }

  /** Hands a reply to the request waiting for it; a reply nobody waits for (the caller timed out or unsubscribed) is dropped. */
  private route(reply: ReplyEnvelope): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    if (reply.isDisposed || reply.err !== undefined) this.pending.delete(reply.id);
    waiting.callback(reply);
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else console.error('rx-redis-events/nestjs:', error);
    for (const listener of this.errorListeners) {
      try {
        listener(error);
      } catch (thrown) {
        console.error('rx-redis-events/nestjs: an error listener threw', thrown);
      }
    }
  }
}
