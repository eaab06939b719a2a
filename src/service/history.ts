import { Observable } from 'rxjs';
import type { EntryId } from '../consumer/consumeOptions';
import type { EventStream } from '../definitions/eventStream';
import { compareStreamIds, idBefore, idBeforeTime, isStreamId, lastIdOfTime, parseStreamId, type StreamId } from '../internal/streamId';
import { assertInteger } from '../internal/validate';
import type { StreamAdmin } from '../transport/StreamTransport';
import { readStream, type StreamEntry } from './readStream';

/** Options of `EventService.history`. */
export interface HistoryConfig {
  /** The first entry: a `Date` (the entries produced at or after it) or an entry id (that entry included). Default: the stream's first entry. */
  readonly from?: Date | EntryId;
  /** The last entry: a `Date` (the entries produced at or before it) or an entry id (that entry included). Default: the last entry when subscribing. */
  readonly to?: Date | EntryId;
  /** Most entries read ahead of what was emitted, over all partitions: each partition reads pages of `pageSize / partitions` entries (at least 1). Default 100. */
  readonly pageSize?: number;
}

/** Defaults of {@link HistoryConfig}. */
export const DEFAULT_HISTORY_CONFIG = Object.freeze({ pageSize: 100 });

/** Where a history read starts (exclusive) and ends (inclusive; `undefined`: each partition's last entry when subscribing). */
export interface HistoryBounds {
  readonly after: string;
  readonly until: string | undefined;
  readonly pageSize: number;
}

/** Validates `config` and turns it into ids; throws a `TypeError`/`RangeError` naming the option. */
export function historyBounds(config: HistoryConfig): HistoryBounds {
  if (typeof config !== 'object' || config === null) throw new TypeError(`rx-redis-events: history options must be an object, got ${config === null ? 'null' : typeof config}`);
  const pageSize = config.pageSize ?? DEFAULT_HISTORY_CONFIG.pageSize;
  assertInteger(pageSize, 'history option pageSize', 1, 10_000);
  const from = config.from === undefined ? '0-0' : boundOf(config.from, 'from', (ms) => idBeforeTime(ms), (id) => idBefore(parseStreamId(id) as StreamId));
  const until = config.to === undefined ? undefined : boundOf(config.to, 'to', lastIdOfTime, (id) => id);
  return { after: from, until, pageSize };
}

function boundOf(value: unknown, option: string, ofTime: (ms: number) => string, ofId: (id: string) => string): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return ofTime(value.getTime());
  if (isStreamId(value)) return ofId(value);
  const shown = value instanceof Date ? 'an invalid Date' : (JSON.stringify(value) ?? String(value));
  throw new TypeError(`rx-redis-events: history option ${option} must be a Date or an entry id such as 1700000000000-0, got ${shown}`);
}

/** One partition's reading: where it goes on, where it ends, and the page it read that is not emitted yet. */
interface Cursor<T> {
  readonly key: string;
  after: string;
  readonly end: StreamId | undefined;
  page: StreamEntry<T>[];
  done: boolean;
}

/**
 * **Cold**: reads the partitions `keys` between `bounds` without a group, merged in id order (a tie
 * between partitions goes to the first key), page by page with `readStream`: a partition's next page
 * is read only once its previous one was emitted. Completes at the end; unsubscribing stops the
 * reading. An entry that cannot be decoded is skipped and handed to `report`.
 */
export function readHistory<T>(admin: StreamAdmin, stream: EventStream<T>, keys: readonly string[], bounds: HistoryBounds, report: (error: unknown) => void): Observable<StreamEntry<T>> {
  const count = Math.max(1, Math.floor(bounds.pageSize / keys.length));
  return new Observable<StreamEntry<T>>((subscriber) => {
    const run = async () => {
      const ends = bounds.until === undefined ? await Promise.all(keys.map((key) => admin.lastId(key))) : keys.map(() => bounds.until);
      const cursors = keys.map((key, index): Cursor<T> => {
        const end = ends[index] === undefined ? undefined : parseStreamId(ends[index]);
        return { key, after: bounds.after, end, page: [], done: end === undefined };
      });
      while (!subscriber.closed) {
        await Promise.all(cursors.filter((cursor) => cursor.page.length === 0 && !cursor.done).map((cursor) => readPage(admin, stream, cursor, count, report)));
        if (subscriber.closed) return;
        if (cursors.every((cursor) => cursor.done && cursor.page.length === 0)) return subscriber.complete();
        emitMerged(cursors, (entry) => subscriber.next(entry), () => subscriber.closed);
      }
    };
    run().catch((error: unknown) => subscriber.error(error));
  });
}

/** Reads the cursor's next page, cut at its end; the partition is done when the page is empty or reaches past the end. */
async function readPage<T>(admin: StreamAdmin, stream: EventStream<T>, cursor: Cursor<T>, count: number, report: (error: unknown) => void): Promise<void> {
  const { entries, next } = await readStream(admin, stream, cursor.key, { after: cursor.after, count }, report);
  const end = cursor.end as StreamId;
  cursor.done = next === cursor.after || compareStreamIds(parseStreamId(next) as StreamId, end) >= 0;
  cursor.after = next;
  cursor.page = entries.filter((entry) => compareStreamIds(parseStreamId(entry.id) as StreamId, end) <= 0);
}

/** Emits the smallest head of the pages while every partition that may have more has a page. */
function emitMerged<T>(cursors: readonly Cursor<T>[], emit: (entry: StreamEntry<T>) => void, stopped: () => boolean): void {
  while (!stopped()) {
    let next: Cursor<T> | undefined;
    for (const cursor of cursors) {
      const head = cursor.page[0];
      if (!head) {
        if (!cursor.done) return; // its next page decides what comes next
        continue;
      }
      if (!next || compareStreamIds(parseStreamId(head.id) as StreamId, parseStreamId((next.page[0] as StreamEntry<T>).id) as StreamId) < 0) next = cursor;
    }
    if (!next) return;
    emit(next.page.shift() as StreamEntry<T>);
  }
}
