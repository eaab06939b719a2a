import type { PubSubTransport } from '../PubSubTransport';
import type { MemoryBroker } from './MemoryBroker';

/** {@link PubSubTransport} over a {@link MemoryBroker}: delivery is synchronous, inside `publish`. */
export class MemoryPubSubTransport implements PubSubTransport {
  private readonly subscriptions = new Map<string, () => void>();

  constructor(private readonly broker: MemoryBroker) {}

  publish(channel: string, payload: string): Promise<void> {
    this.broker.publish(channel, payload);
    return Promise.resolve();
  }

  subscribe(channel: string, listener: (payload: string) => void): Promise<void> {
    this.subscriptions.get(channel)?.();
    this.subscriptions.set(channel, this.broker.subscribe(channel, listener));
    return Promise.resolve();
  }

  unsubscribe(channel: string): Promise<void> {
    this.subscriptions.get(channel)?.();
    this.subscriptions.delete(channel);
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const remove of this.subscriptions.values()) remove();
    this.subscriptions.clear();
    return Promise.resolve();
  }
}
