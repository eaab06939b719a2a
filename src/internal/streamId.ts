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
