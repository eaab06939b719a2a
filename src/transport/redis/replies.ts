import type { EntryFields } from '../../codec/entryFields';
import type { StreamEntries } from '../reading/ReadLink';
import type { ReadEntry, StoredEntry } from '../StreamTransport';

type RawEntry = [id: string, fields: string[] | null];

/** Turns a flat `[field, value, ...]` reply into an object; a field named `__proto__` is kept as an own field (as in memory), never set through the prototype setter. */
export function toFields(flat: readonly string[]): EntryFields {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) setField(fields, flat[index] as string, flat[index + 1] as string);
  return fields;
}

/** Sets one field; a field named `__proto__` becomes an own field, never the prototype. */
function setField(fields: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  else fields[name] = value;
}

/** Entries of an `XCLAIM`/`XRANGE` reply, skipping deleted ones (null fields). */
export function toStoredEntries(reply: unknown): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (const [id, flat] of (reply ?? []) as RawEntry[]) if (flat) out.push({ id, fields: toFields(flat) });
  return out;
}

type RawBufferEntry = [id: Buffer, fields: Buffer[] | null];

/** One-character strings of the ASCII bytes: entry field names are mostly one character (`v`, `k`, `g`). */
const ASCII = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

/** A reply's bulk string as text (UTF-8), without a new string for a one-character ASCII field name. */
function text(bytes: Buffer): string {
  if (bytes.length === 1) {
    const code = bytes[0] as number;
    if (code < 128) return ASCII[code] as string;
  }
  return bytes.toString();
}

/**
 * The entries of an `XREADGROUP` reply over one or more streams, read as bytes (`callBuffer`), all
 * first deliveries, by stream in reply order: decoded in one pass (with string replies, ioredis would
 * first turn every bulk string of the nested reply into a string, and the entries would be built in a
 * second walk). The reply is a list of `[key, entries]` pairs in RESP2; in RESP3 (ioredis 6's default
 * protocol) it is a map, which ioredis' `legacy` reply mapping flattens to `[key, entries, key, entries, …]`.
 * A timed-out read (`null`) holds nothing.
 */
export function toReadEntriesByStream(reply: unknown): StreamEntries[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const out: StreamEntries[] = [];
  if (Buffer.isBuffer(reply[0])) for (let index = 0; index + 1 < reply.length; index += 2) out.push(streamEntries(reply[index] as Buffer, reply[index + 1] as RawBufferEntry[]));
  else for (const [key, entries] of reply as [Buffer, RawBufferEntry[]][]) out.push(streamEntries(key, entries));
  return out;
}

/** One stream's part of a read reply (a function of its own, not a closure made per reply). */
function streamEntries(key: Buffer, entries: RawBufferEntry[] | null | undefined): StreamEntries {
  return { key: key.toString(), entries: toEntries(entries) };
}

function toEntries(entries: readonly RawBufferEntry[] | null | undefined): ReadEntry[] {
  const out: ReadEntry[] = [];
  if (!entries) return out;
  for (const [id, flat] of entries) {
    if (!flat) continue;
    const fields: Record<string, string> = {};
    for (let index = 0; index + 1 < flat.length; index += 2) setField(fields, text(flat[index] as Buffer), (flat[index + 1] as Buffer).toString());
    out.push({ id: id.toString('latin1'), fields, deliveryCount: 1 });
  }
  return out;
}

/** Triples returned by the claim script. */
export function toClaimedEntries(reply: unknown): ReadEntry[] {
  return ((reply ?? []) as [string, string[], number][]).map(([id, flat, count]) => ({ id, fields: toFields(flat), deliveryCount: Number(count) }));
}
