import { DEAD_LETTER_FIELDS, ORIGINAL_PREFIX, TARGET_GROUP_FIELD, type EntryFields } from '../codec/entryFields';
import type { DeadLetterInfo } from '../transport/StreamTransport';

/** The fields of a dead letter (the layout the Redis script writes too, from the same constants). */
export function toDeadLetterFields(id: string, group: string, info: DeadLetterInfo, original: EntryFields | undefined): EntryFields {
  const fields: Record<string, string> = {
    [DEAD_LETTER_FIELDS.sourceId]: id,
    [DEAD_LETTER_FIELDS.group]: group,
    [DEAD_LETTER_FIELDS.reason]: info.reason,
    [DEAD_LETTER_FIELDS.error]: info.error,
    [DEAD_LETTER_FIELDS.deliveryCount]: String(info.deliveryCount),
  };
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
  const group = deadLetter[DEAD_LETTER_FIELDS.group];
  if (group !== undefined) fields[TARGET_GROUP_FIELD] = group;
  return fields;
}

/** The original entry's fields inside a dead letter. */
export function originalFields(deadLetter: EntryFields): EntryFields {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(deadLetter)) if (name.startsWith(ORIGINAL_PREFIX)) fields[name.slice(ORIGINAL_PREFIX.length)] = value;
  return fields;
}
