import { stringify } from 'superjson';
import { DecodeError } from '../errors/DecodeError';
import { EncodeError } from '../errors/EncodeError';
import { MessageTooLargeError } from '../errors/MessageTooLargeError';
import type { EventStream } from '../definitions/eventStream';
import { decodeOther, encodeOther, type StreamCodec } from './codecs';
import { fastDeserialize, fastStringify } from './fastJson';
import { findUnencodable } from './findUnencodable';
import { exceedsBytes, utf8Bytes } from './messageSize';
import { NOT_KNOWN, parseWithKnownMeta, rememberMeta } from './knownMeta';
import { findUnsafeKey, mayHoldUnsafeKey } from './unsafeKeys';
import { KEY_FIELD, VALUE_FIELD, type EntryFields } from './entryFields';

export { KEY_FIELD, VALUE_FIELD, type EntryFields } from './entryFields';

/**
 * Encodes one value of `stream` into entry fields, or throws an {@link EncodeError} naming the stream
 * (or a {@link MessageTooLargeError} when the encoded value takes more than `maxBytes` UTF-8 bytes).
 */
export function encodeEntry<T>(stream: EventStream<T>, value: T, maxBytes = Infinity): EntryFields {
  const fields: Record<string, string> = { [VALUE_FIELD]: encodeValue(stream.name, value, maxBytes, stream.codec) };
  if (stream.key) {
    let key: unknown;
    try {
      key = stream.key(value);
    } catch (error) {
      throw new EncodeError(stream.name, 'key(value)', `threw: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (typeof key !== 'string') throw new EncodeError(stream.name, 'key(value)', `returned ${typeof key}, expected a string`);
    fields[KEY_FIELD] = key;
  }
  return fields;
}

/**
 * Encodes a value with `codec`: by default as superjson text (the same text superjson writes, faster
 * for plain data). Throws an {@link EncodeError} naming `streamName`, or a {@link MessageTooLargeError}
 * when the text takes more than `maxBytes` UTF-8 bytes (its message says `operation`: produce or broadcast).
 */
export function encodeValue(streamName: string, value: unknown, maxBytes = Infinity, codec: StreamCodec<unknown> = 'superjson', operation: 'produce' | 'broadcast' = 'produce'): string {
  const text = codec === 'superjson' ? (fastStringify(value) ?? slowStringify(streamName, value)) : encodeOther(codec, streamName, value);
  if (exceedsBytes(text, maxBytes)) throw new MessageTooLargeError(streamName, utf8Bytes(text), maxBytes, operation);
  return text;
}

function slowStringify(streamName: string, value: unknown): string {
  const bad = findUnencodable(value);
  if (bad) throw new EncodeError(streamName, bad.path, bad.problem);
  try {
    return stringify(value);
  } catch (error) {
    throw new EncodeError(streamName, 'value', `cannot be serialised: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** Decodes entry fields into a value (with `codec`, superjson by default) and key, or throws a {@link DecodeError}. */
export function decodeEntry<T>(streamName: string, id: string, fields: EntryFields, codec: StreamCodec<T> = 'superjson'): { value: T; key: string | undefined } {
  return { value: decodeValueOf<T>(streamName, id, fields, codec), key: fields[KEY_FIELD] };
}

/** Decodes the value of entry fields (with `codec`, superjson by default), or throws a {@link DecodeError}. */
export function decodeValueOf<T>(streamName: string, id: string, fields: EntryFields, codec: StreamCodec<T> = 'superjson'): T {
  const raw = fields[VALUE_FIELD];
  if (raw === undefined) throw new DecodeError(streamName, id, `field "${VALUE_FIELD}" is missing`);
  return decodeValue<T>(streamName, id, raw, codec);
}

/**
 * Decodes one text with `codec` (superjson by default), or throws a {@link DecodeError}. For superjson, never runs code from the document
 * and never writes into a shared prototype: a document holding a `__proto__`, `constructor` or
 * `prototype` key anywhere (which superjson never writes) is refused as a whole.
 */
export function decodeValue<T>(streamName: string, id: string, raw: string, codec: StreamCodec<T> = 'superjson'): T {
  if (codec !== 'superjson') return decodeOther<T>(codec, streamName, id, raw);
  const mayBeUnsafe = mayHoldUnsafeKey(raw);
  if (!mayBeUnsafe) {
    const value = parseWithKnownMeta(raw);
    if (value !== NOT_KNOWN) return value as T;
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(raw);
  } catch (error) {
    throw new DecodeError(streamName, id, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (typeof envelope !== 'object' || envelope === null || !('json' in envelope)) {
    throw new DecodeError(streamName, id, 'not a superjson document (no "json" member)');
  }
  const unsafe = mayBeUnsafe ? findUnsafeKey(envelope) : undefined;
  if (unsafe !== undefined) throw new DecodeError(streamName, id, `holds a "${unsafe}" key, which superjson never writes (a prototype pollution risk)`);
  let value: T;
  try {
    value = fastDeserialize<T>(envelope);
  } catch (error) {
    throw new DecodeError(streamName, id, `invalid superjson metadata: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if ((envelope as { meta?: unknown }).meta !== undefined && !mayBeUnsafe) rememberMeta(raw);
  return value;
}
