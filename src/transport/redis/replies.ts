import type { EntryFields } from '../../codec/entryCodec';
import type { ReadEntry, StoredEntry } from '../StreamTransport';

type RawEntry = [id: string, fields: string[] | null];

/** Turns a flat `[field, value, ...]` reply into an object; a field named `__proto__` is kept as an own field (as in memory), never set through the prototype setter. */
export function toFields(flat: readonly string[]): EntryFields {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) {
    const name = flat[index] as string;
    const value = flat[index + 1] as string;
    if (name === '__proto__') Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
    else fields[name] = value;
  }
  return fields;
}

/** Entries of an `XCLAIM`/`XRANGE` reply, skipping deleted ones (null fields). */
export function toStoredEntries(reply: unknown): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (const [id, flat] of (reply ?? []) as RawEntry[]) if (flat) out.push({ id, fields: toFields(flat) });
  return out;
}

/** Entries of a single-stream `XREADGROUP` reply, all first deliveries. */
export function toReadEntries(reply: unknown): ReadEntry[] {
  const streams = reply as [key: string, entries: RawEntry[]][] | null;
  const out: ReadEntry[] = [];
  for (const [id, flat] of streams?.[0]?.[1] ?? []) if (flat) out.push({ id, fields: toFields(flat), deliveryCount: 1 });
  return out;
}

/** Triples returned by the claim script. */
export function toClaimedEntries(reply: unknown): ReadEntry[] {
  return ((reply ?? []) as [string, string[], number][]).map(([id, flat, count]) => ({ id, fields: toFields(flat), deliveryCount: Number(count) }));
}
