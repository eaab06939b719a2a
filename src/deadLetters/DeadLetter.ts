import type { StreamCodec } from '../codec/codecs';
import { decodeEntry } from '../codec/entryCodec';
import { DEAD_LETTER_FIELDS, KEY_FIELD } from '../codec/entryFields';
import { idTime } from '../internal/streamId';
import type { StoredEntry } from '../transport/StreamTransport';
import { originalFields } from './deadLetterFields';

/**
 * Why an event was dead-lettered: delivered `maxDeliveries` times without an ack, impossible to
 * decode, a value field larger than `maxMessageBytes` (not decoded), refused by the stream's schema
 * (`invalid`, the issues as its error), or rejected by its handler (`delivery.deadLetter(reason)`,
 * `ackAfter`'s `deadLetterIf`).
 */
export type DeadLetterReason = 'max-deliveries' | 'decode' | 'too-large' | 'invalid' | 'rejected';

/** An event in a stream's dead-letter stream (one per partition, at `deadLetterKeyOf(key)`: `<prefix><stream>:{<prefix><stream>}:dlq` unpartitioned). */
export interface DeadLetter<T> {
  /** The id of the dead letter in the dead-letter stream. */
  readonly id: string;
  /** The event's id in its source stream. */
  readonly sourceId: string;
  /** The group that gave up on it. */
  readonly group: string;
  readonly reason: DeadLetterReason;
  /** The last handler error, what made decoding fail, the schema's issues (`path: message; ...`), or the handler's reason for rejecting it. */
  readonly error: string;
  /** Deliveries to the group before it was moved. */
  readonly deliveryCount: number;
  /** The partition key, if the entry had one. */
  readonly key: string | undefined;
  /** The decoded value (as stored: for `invalid`, what the schema refused), or undefined when it cannot be decoded or was dead-lettered as `too-large` (never decoded). */
  readonly value: T | undefined;
  /** When it was moved to the dead-letter stream. */
  readonly deadLetteredAt: Date;
  /** The original entry's fields as stored, for entries that cannot be decoded. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Reads a dead-letter entry, decoding its value with the stream's `codec`. */
export function toDeadLetter<T>(streamName: string, entry: StoredEntry, codec: StreamCodec<T> = 'superjson'): DeadLetter<T> {
  const fields = originalFields(entry.fields);
  const sourceId = entry.fields[DEAD_LETTER_FIELDS.sourceId] ?? '';
  const reason = (entry.fields[DEAD_LETTER_FIELDS.reason] ?? 'decode') as DeadLetterReason;
  let value: T | undefined;
  try {
    value = reason === 'too-large' ? undefined : decodeEntry<T>(streamName, sourceId, fields, codec).value;
  } catch {
    value = undefined;
  }
  return {
    id: entry.id,
    sourceId,
    group: entry.fields[DEAD_LETTER_FIELDS.group] ?? '',
    reason,
    error: entry.fields[DEAD_LETTER_FIELDS.error] ?? '',
    deliveryCount: Number(entry.fields[DEAD_LETTER_FIELDS.deliveryCount] ?? 0),
    key: fields[KEY_FIELD],
    value,
    deadLetteredAt: idTime(entry.id),
    fields,
  };
}
