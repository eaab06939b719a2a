import { DecodeError } from '../errors/DecodeError';
import { EncodeError } from '../errors/EncodeError';
import { decodeJson, encodeJson } from './jsonCodec';

/**
 * Your own text format for a stream's values (the `v` field of its entries, or a broadcast's
 * message): `encode` turns a value into text, `decode` turns that text back into the value. An error
 * thrown by `encode` rejects `produce`/`broadcast` with an `EncodeError` (nothing of the call is
 * written); one thrown by `decode` dead-letters the entry with reason `decode` (a listener drops the
 * message and reports it).
 */
export interface Codec<T> {
  /** The text stored for `value`. */
  encode(value: T): string;
  /** The value of stored `text`. */
  decode(text: string): T;
}

/**
 * How a stream's values are written: `'superjson'` (the default: superjson text, which keeps `Date`,
 * `Map`, `Set`, `BigInt`, `undefined`...), `'json'` (plain JSON text, what a service in another
 * language reads and writes without help; a value JSON cannot hold is an `EncodeError`), or a {@link Codec}.
 */
export type StreamCodec<T> = 'superjson' | 'json' | Codec<T>;

/**
 * The codec of a definition's options: `undefined` for the default (`'superjson'`, given or not), which
 * the definition leaves out as it leaves out other defaults; a TypeError naming `where` for anything else than a {@link StreamCodec}.
 */
export function codecOption<T>(codec: unknown, where: string): Exclude<StreamCodec<T>, 'superjson'> | undefined {
  if (codec === undefined || codec === 'superjson') return undefined;
  if (codec === 'json') return 'json';
  if (typeof codec === 'object' && codec !== null && typeof (codec as Codec<T>).encode === 'function' && typeof (codec as Codec<T>).decode === 'function') {
    return codec as Codec<T>;
  }
  const shown = typeof codec === 'string' ? JSON.stringify(codec) : typeof codec === 'object' ? 'an object without encode(value) and decode(text) functions' : typeof codec;
  throw new TypeError(`rx-redis-events: ${where} option codec must be 'superjson', 'json' or { encode(value): string, decode(text): value }, got ${shown}`);
}

/** Encodes `value` with the `'json'` codec or a custom one, or throws an {@link EncodeError} naming `streamName`. */
export function encodeOther(codec: Exclude<StreamCodec<unknown>, 'superjson'>, streamName: string, value: unknown): string {
  if (codec === 'json') return encodeJson(streamName, value);
  let text: unknown;
  try {
    text = codec.encode(value);
  } catch (error) {
    throw new EncodeError(streamName, 'value', `was refused by the codec's encode: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (typeof text !== 'string') throw new EncodeError(streamName, 'value', `was encoded by the codec's encode as ${text === null ? 'null' : typeof text}, expected a string`);
  return text;
}

/** Decodes `raw` with the `'json'` codec or a custom one, or throws a {@link DecodeError}. */
export function decodeOther<T>(codec: Exclude<StreamCodec<T>, 'superjson'>, streamName: string, id: string, raw: string): T {
  if (codec === 'json') return decodeJson<T>(streamName, id, raw);
  try {
    return codec.decode(raw);
  } catch (error) {
    throw new DecodeError(streamName, id, `the codec's decode threw: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}
