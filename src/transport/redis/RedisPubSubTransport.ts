import type { PubSubTransport } from '../PubSubTransport';
import { quietly, type RedisClient, type RedisConnections } from './connect';

/**
 * {@link PubSubTransport} over Redis pub/sub: one subscriber connection per service, opened on first use.
 *
 * Its subscribe and unsubscribe commands go one at a time, and never while the connection is between
 * connecting and ready. ioredis 5 writes a `SUBSCRIBE` at once in that window, ahead of its ready
 * check; the connection then refuses the check's `INFO` as a subscriber, fails the commands it queued
 * and reconnects (redis/ioredis#2037, fixed in ioredis 6). A command behind another waits for its
 * answer, which comes after the ready check.
 */
export class RedisPubSubTransport implements PubSubTransport {
  private subscriber: RedisClient | undefined;
  private readonly listeners = new Map<string, (payload: string) => void>();
  /** Settles when the last subscribe or unsubscribe command sent has an answer. */
  private lastCommand: Promise<unknown> = Promise.resolve();

  constructor(private readonly connections: RedisConnections) {}

  async publish(channel: string, payload: string): Promise<void> {
    try {
      await this.connections.publisherFor(channel).publish(channel, payload);
    } catch (error) {
      throw this.connections.transportError('publish', error);
    }
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<void> {
    this.listeners.set(channel, listener);
    try {
      await this.inTurn(this.connection(), (subscriber) => subscriber.subscribe(channel));
    } catch (error) {
      throw this.connections.transportError('subscribe', error);
    }
  }

  async unsubscribe(channel: string): Promise<void> {
    this.listeners.delete(channel);
    const subscriber = this.subscriber;
    if (!subscriber || subscriber.status === 'end') return; // a connection closed for good holds no subscription
    try {
      await this.inTurn(subscriber, (open) => (open.status === 'end' ? undefined : open.unsubscribe(channel)));
    } catch (error) {
      throw this.connections.transportError('unsubscribe', error);
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.subscriber) await quietly(this.subscriber);
  }

  private connection(): RedisClient {
    if (!this.subscriber) {
      const subscriber = this.connections.duplicateSubscriber();
      subscriber.on('message', (channel: string, payload: string) => this.listeners.get(channel)?.(payload));
      subscriber.on('error', () => undefined); // ioredis reconnects and re-subscribes by itself
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  /** Sends `command` once the commands before it have an answer and `subscriber` is not in its ready check. */
  private inTurn(subscriber: RedisClient, command: (subscriber: RedisClient) => Promise<unknown> | undefined): Promise<unknown> {
    const sent = this.lastCommand.then(() => pastReadyCheck(subscriber)).then(() => command(subscriber));
    this.lastCommand = sent.catch(() => undefined);
    return sent;
  }
}

/** Resolves at once unless `connection` is connected and not ready yet; then once it is ready or closed. */
function pastReadyCheck(connection: RedisClient): Promise<void> | undefined {
  if (connection.status !== 'connect') return undefined;
  return new Promise((resolve) => {
    const settle = () => {
      connection.off('ready', settle).off('close', settle);
      resolve();
    };
    connection.once('ready', settle).once('close', settle);
  });
}
