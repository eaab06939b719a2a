import { assertName } from '../internal/validate';

/**
 * The definition of a broadcast channel (Redis pub/sub): every live listener gets every message,
 * listeners that are offline never see it.
 */
export interface BroadcastStream<T> {
  readonly kind: 'broadcastStream';
  /** The channel's name; the Redis channel is the service's `prefix` followed by this name. */
  readonly name: string;
  /** Phantom field carrying the message type; always `undefined` at run time. */
  readonly __type?: T;
}

/**
 * Defines a broadcast stream whose messages are of type `T`.
 *
 * ## Example
 * ```ts
 * import { broadcastStream } from 'rx-redis-events';
 *
 * export const CancelWebSocket = broadcastStream<{ streamId: string }>('ws.cancel');
 * ```
 *
 * @param name Channel name: a non-empty string of at most 256 characters, without control characters,
 * whitespace, `{`, `}`, `*`, `?`, `[`, `]` or `\`.
 * @throws TypeError when the name is invalid.
 */
export function broadcastStream<T>(name: string): BroadcastStream<T> {
  assertName(name, 'broadcastStream name');
  return Object.freeze({ kind: 'broadcastStream' as const, name });
}
