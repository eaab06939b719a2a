import type { EntryFields } from '../../codec/entryFields';
import { compareStreamIds, parseStreamId, type StreamId } from '../../internal/streamId';
import type { GroupMove, StoredEntry, TrimLimits } from '../StreamTransport';

/** An entry of the log, with its id parsed for ordering. */
export interface MemoryEntry extends StoredEntry {
  readonly sid: StreamId;
}

/** A place in the log: an id, parsed and as given. */
export interface LogPosition {
  readonly sid: StreamId;
  /** The id as given (an id after a moment has a sequence number beyond what a number holds exactly). */
  readonly id: string;
}

/**
 * The entries of one in-memory stream in id order, as Redis keeps a stream's entries apart from its
 * consumer groups: ids `<ms>-<seq>` that only grow (also after deletes and trims), lookups by id and
 * position, ranges, deletes and trims. It knows nothing of groups.
 */
export class MemoryEntryLog {
  private readonly entries: MemoryEntry[] = [];
  /** The id of the last entry ever appended (`0-0` before the first). */
  private last: StreamId = { ms: 0, seq: 0 };

  /** Number of entries in the log. */
  get length(): number {
    return this.entries.length;
  }

  /** Appends an entry (a copy of `fields`) with the next id at `now` (never below the last one); returns the id. */
  append(fields: EntryFields, now: number): string {
    const ms = Math.max(Math.floor(now), this.last.ms);
    const seq = ms === this.last.ms ? this.last.seq + 1 : 0;
    const sid = { ms, seq };
    const id = `${ms}-${seq}`;
    this.last = sid;
    this.entries.push({ id, sid, fields: { ...fields } });
    return id;
  }

  /**
   * Where a group placed at `at` stands: before every entry (`start`), after the last id ever
   * appended (`end`), or after a given id.
   *
   * @throws Error, as Redis answers, when the given id is not a stream id.
   */
  positionOf(at: GroupMove): LogPosition {
    if (at === 'start') return { sid: { ms: 0, seq: 0 }, id: '0-0' };
    if (at === 'end') return { sid: this.last, id: `${this.last.ms}-${this.last.seq}` };
    const sid = parseStreamId(at.afterId);
    if (!sid) throw new Error(`Invalid stream ID specified as stream command argument: ${at.afterId}`);
    return { sid, id: at.afterId };
  }

  /** The index of the first entry after `sid` (exclusive); the length when there is none. */
  firstAfter(sid: StreamId): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareStreamIds((this.entries[mid] as MemoryEntry).sid, sid) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The entry at `index` (in id order); the index must be below the length. */
  at(index: number): MemoryEntry {
    return this.entries[index] as MemoryEntry;
  }

  /** The entry with id `id`, if it is still in the log. */
  find(id: string): MemoryEntry | undefined {
    const sid = parseStreamId(id);
    if (!sid) return undefined;
    const entry = this.entries[this.firstAfter({ ms: sid.ms, seq: sid.seq - 1 })];
    return entry && entry.id === id ? entry : undefined;
  }

  /** Entries from the oldest, at most `count`. */
  range(count: number): StoredEntry[] {
    return this.entries.slice(0, count).map(({ id, fields }) => ({ id, fields }));
  }

  /** Entries after `after` (exclusive), at most `count`. */
  rangeAfter(after: StreamId, count: number): StoredEntry[] {
    const start = this.firstAfter(after);
    return this.entries.slice(start, start + count).map(({ id, fields }) => ({ id, fields }));
  }

  /** The first entry's id, if any. */
  firstId(): string | undefined {
    return this.entries[0]?.id;
  }

  /** The last entry's id, if any. */
  lastId(): string | undefined {
    return this.entries[this.entries.length - 1]?.id;
  }

  /** Deletes one entry (`XDEL`); returns whether it existed. */
  delete(id: string): boolean {
    const entry = this.find(id);
    if (!entry) return false;
    this.entries.splice(this.entries.indexOf(entry), 1);
    return true;
  }

  /** The id from which entries would stay under `limits` (by time, by length: the higher of both), if they remove any. */
  trimLimit(limits: TrimLimits): StreamId | undefined {
    let limit = limits.minTimestampMs === undefined ? undefined : { ms: Math.floor(limits.minTimestampMs), seq: 0 };
    const excess = limits.maxLength === undefined ? 0 : this.entries.length - limits.maxLength;
    if (excess > 0) {
      const newest = (this.entries[excess - 1] as MemoryEntry).sid;
      const byLength = { ms: newest.ms, seq: newest.seq + 1 };
      if (!limit || compareStreamIds(limit, byLength) < 0) limit = byLength;
    }
    return limit;
  }

  /** Removes the entries before `limit` (exclusive); returns how many. */
  removeBefore(limit: StreamId): number {
    const removed = this.firstAfter({ ms: limit.ms, seq: limit.seq - 1 });
    this.entries.splice(0, removed);
    return removed;
  }
}
