/** A parsed stream entry id `<ms>-<seq>`. */
export interface StreamId {
  readonly ms: number;
  readonly seq: number;
}

/** Parses `<ms>-<seq>`; returns `undefined` for anything else. */
export function parseStreamId(id: string): StreamId | undefined {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) return undefined;
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

/** Orders two ids the way Redis does. */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

/** The time an entry was added, read from its id (milliseconds since the epoch). */
export function idTime(id: string): Date {
  // the digits before the dash, read without cutting a substring (this runs for every delivery)
  let ms = 0;
  let index = 0;
  for (; index < id.length; index++) {
    const digit = id.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    ms = ms * 10 + digit;
  }
  return new Date(index > 0 && id.charCodeAt(index) === 45 ? ms : Number.NaN);
}

/** The largest sequence number of a stream id (Redis keeps it as an unsigned 64-bit integer). */
export const MAX_SEQ = '18446744073709551615';

/**
 * The largest id before every entry added at `ms` or later: `<ms - 1>-<MAX_SEQ>`, or `0-0` for the
 * epoch and before. A group whose last delivered id it is reads the entries produced at `ms` or after.
 */
export function idBeforeTime(ms: number): string {
  const whole = Math.floor(ms);
  return whole <= 0 ? '0-0' : `${whole - 1}-${MAX_SEQ}`;
}

/** The largest id before `id` (a valid id): where a range that includes `id` starts, exclusive. */
export function idBefore(id: StreamId): string {
  if (id.seq > 0) return `${id.ms}-${id.seq - 1}`;
  return idBeforeTime(id.ms);
}

/** The largest id of the millisecond `ms`: where a range up to a moment ends, inclusive. */
export function lastIdOfTime(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}-${MAX_SEQ}`;
}

const UINT64_MAX = 18446744073709551615n;

/** Whether `id` is an id Redis accepts for an entry: `<ms>-<seq>`, each an unsigned 64-bit integer. */
export function isStreamId(id: unknown): id is string {
  if (typeof id !== 'string') return false;
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(id);
  return match !== null && BigInt(match[1] as string) <= UINT64_MAX && BigInt(match[2] as string) <= UINT64_MAX;
}
