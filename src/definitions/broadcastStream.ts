import { codecOption, type StreamCodec } from '../codec/codecs';
import { assertName } from '../internal/validate';
import type { StandardSchemaV1 } from '../validation/StandardSchema';
import { schemaOption } from './schema';

/** Options of {@link broadcastStream}. */
export interface BroadcastStreamOptions<T> {
  /** How messages are written: `'superjson'` (default), `'json'` (plain JSON, for services in other languages) or your own `{ encode, decode }`. */
  readonly codec?: StreamCodec<T>;
  /**
   * A Standard Schema v1 validator (zod 4, valibot, arktype...); the messages' type is its output.
   * `broadcast` validates the message before publishing it (a `ValidationError` otherwise) and
   * publishes the schema's output; a listener validates each message it receives, emits the output,
   * and drops and reports (`onError`, `service.error`) an invalid one. The schema must accept its own output.
   */
  readonly schema?: StandardSchemaV1<unknown, T>;
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
  /** The schema every message is validated with, if any. */
  readonly schema?: StandardSchemaV1<unknown, T>;
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
 * @param options Optional codec and schema of the messages.
 * @throws TypeError when the name, the codec or the schema is invalid.
 */
export function broadcastStream<T>(name: string, options: BroadcastStreamOptions<T> = {}): BroadcastStream<T> {
  assertName(name, 'broadcastStream name');
  if (typeof options !== 'object' || options === null) throw new TypeError(`rx-redis-events: broadcastStream("${name}") options must be an object`);
  const codec = codecOption<T>(options.codec, `broadcastStream("${name}")`);
  return Object.freeze({ kind: 'broadcastStream' as const, name, ...(codec ? { codec } : {}), ...schemaOption(`broadcastStream("${name}")`, options.schema) });
}
