/**
 * The seam between the library and a live publish/subscribe channel store (Redis pub/sub, or memory).
 * Channels are full names (prefix included). At most one listener per channel: sharing happens above.
 */
export interface PubSubTransport {
  /** Publishes one payload to everyone subscribed to the channel right now. */
  publish(channel: string, payload: string): Promise<void>;
  /** Subscribes to a channel; resolves once messages published from now on will arrive. */
  subscribe(channel: string, listener: (payload: string) => void): Promise<void>;
  /** Drops the subscription to a channel. */
  unsubscribe(channel: string): Promise<void>;
  /** Releases connections this transport opened. */
  close(): Promise<void>;
}
