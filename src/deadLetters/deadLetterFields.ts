import type { EntryFields } from '../codec/entryCodec';
import type { DeadLetterInfo } from '../transport/StreamTransport';

/** Prefix of the original entry's fields inside a dead letter. */
export const ORIGINAL_PREFIX = 'o:';
/** Field of a redriven entry naming the only group that should consume it. */
export const TARGET_GROUP_FIELD = 'g';

/** Suffix of a partition's dead-letter stream, which `deadLetterKeyOf` puts in the partition's slot: `<key>:{<key>}:dlq`, or `<key>:dlq` for a key with a hash tag. */
export const DEAD_LETTER_SUFFIX = ':dlq';

/** The fields of a dead letter (the layout the Redis script writes too). */
export function toDeadLetterFields(id: string, group: string, info: DeadLetterInfo, original: EntryFields | undefined): EntryFields {
  const fields: Record<string, string> = { sid: id, group, reason: info.reason, error: info.error, count: String(info.deliveryCount) };
  for (const [name, value] of Object.entries(original ?? {})) fields[ORIGINAL_PREFIX + name] = value;
  return fields;
}

/** The entry a dead letter puts back on its source stream, addressed to its group; undefined when it holds no original fields. */
export function toRedrivenFields(deadLetter: EntryFields): EntryFields | undefined {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(deadLetter)) {
    if (name.startsWith(ORIGINAL_PREFIX) && name !== ORIGINAL_PREFIX + TARGET_GROUP_FIELD) fields[name.slice(ORIGINAL_PREFIX.length)] = value;
  }
  if (Object.keys(fields).length === 0) return undefined;
  if (deadLetter.group !== undefined) fields[TARGET_GROUP_FIELD] = deadLetter.group;
  return fields;
}

/** The original entry's fields inside a dead letter. */
export function originalFields(deadLetter: EntryFields): EntryFields {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(deadLetter)) if (name.startsWith(ORIGINAL_PREFIX)) fields[name.slice(ORIGINAL_PREFIX.length)] = value;
  return fields;
}
