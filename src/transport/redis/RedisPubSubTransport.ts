import type { PubSubTransport } from '../PubSubTransport';
import { quietly, type RedisClient, type RedisConnections } from './connect';

/** {@link PubSubTransport} over Redis pub/sub: one subscriber connection per service, opened on first use. */
export class RedisPubSubTransport implements PubSubTransport {
  private subscriber: RedisClient | undefined;
  private readonly listeners = new Map<string, (payload: string) => void>();

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
      await this.connection().subscribe(channel);
    } catch (error) {
      throw this.connections.transportError('subscribe', error);
    }
  }

  async unsubscribe(channel: string): Promise<void> {
    this.listeners.delete(channel);
    if (!this.subscriber || this.subscriber.status === 'end') return; // a connection closed for good holds no subscription
    try {
      await this.subscriber.unsubscribe(channel);
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
}
