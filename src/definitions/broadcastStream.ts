import { codecOption, type StreamCodec } from '../codec/codecs';
import { assertName } from '../internal/validate';

/** Options of {@link broadcastStream}. */
export interface BroadcastStreamOptions<T> {
  /** How messages are written: `'superjson'` (default), `'json'` (plain JSON, for services in other languages) or your own `{ encode, decode }`. */
  readonly codec?: StreamCodec<T>;
}

/**
 * The definition of a broadcast channel (Redis pub/sub): every live listener gets every message,
 * listeners that are offline never see it.
 */
export interface BroadcastStream<T> {
  readonly kind: 'broadcastStream';
  /** The channel's name; the Redis channel is the service's `prefix` followed by this name. */
  readonly name: string;
  /** How messages are encoded, when not with superjson (the default, given or not, leaves this out). */
  readonly codec?: Exclude<StreamCodec<T>, 'superjson'>;
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
 * @param options Optional codec of the messages.
 * @throws TypeError when the name or the codec is invalid.
 */
export function broadcastStream<T>(name: string, options: BroadcastStreamOptions<T> = {}): BroadcastStream<T> {
  assertName(name, 'broadcastStream name');
  if (typeof options !== 'object' || options === null) throw new TypeError(`rx-redis-events: broadcastStream("${name}") options must be an object`);
  const codec = codecOption<T>(options.codec, `broadcastStream("${name}")`);
  return Object.freeze({ kind: 'broadcastStream' as const, name, ...(codec ? { codec } : {}) });
}
