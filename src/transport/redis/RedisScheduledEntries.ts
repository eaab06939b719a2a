import { defer, type Observable } from 'rxjs';
import type { EntryFields } from '../../codec/entryFields';
import type { MoveResult, ScheduledDue, ScheduledEntries, ScheduledEntry, ScheduledKeys, ScheduleResult, WaitingEntry, WaitingSummary } from '../scheduledEntries';
import { SCHEDULE_WAKES_KEPT } from '../../partitions/streamLayout';
import type { RedisConnections } from './connect';
import { guarded, guardedScript } from './guarded';
import type { LuaScript } from './scripts/runScript';
import { MOVE_DUE, SCHEDULE, STORED_ENTRY, UNSCHEDULE } from './scripts/schedule';

/**
 * {@link ScheduledEntries} on Redis: per partition a sorted set of schedule ids scored by due time and
 * a hash of the stored entries, both in the partition's slot; scripts read the server's `TIME`, so a
 * move never appends an entry before its time whatever the clients' clocks say.
 */
export class RedisScheduledEntries implements ScheduledEntries {
  constructor(private readonly connections: RedisConnections) {}

  schedule(keys: ScheduledKeys, due: ScheduledDue, entries: readonly ScheduledEntry[]): Observable<ScheduleResult> {
    const when = 'atMs' in due ? ['a', Math.floor(due.atMs)] : ['d', Math.ceil(due.delayMs)];
    const args = [...when, ...entries.flatMap((entry) => [entry.id, storedEntry(entry)])];
    return defer(async () => {
      const [dueMs, earliest] = (await this.script('schedule', SCHEDULE, [keys.due, keys.entries, keys.wake], args)) as [number, number];
      return { dueMs: Number(dueMs), earliest: Number(earliest) === 1 };
    });
  }

  async wake(keys: ScheduledKeys): Promise<void> {
    const command = this.connections.command;
    await this.guard('wake', () => command.xadd(keys.wake, 'MAXLEN', SCHEDULE_WAKES_KEPT, '*', 'w', '1'));
  }

  async unschedule(keys: ScheduledKeys, id: string): Promise<boolean> {
    return Number(await this.script('unschedule', UNSCHEDULE, [keys.due, keys.entries], [id])) === 1;
  }

  moveDue(keys: ScheduledKeys, limit: number): Observable<MoveResult> {
    return defer(async () => {
      const [moved, nextInMs] = (await this.script('moveDue', MOVE_DUE, [keys.stream, keys.due, keys.entries], [limit])) as [number, number];
      return { moved: Number(moved), nextInMs: Number(nextInMs) < 0 ? undefined : Number(nextInMs) };
    });
  }

  async listWaiting(keys: ScheduledKeys, count: number): Promise<WaitingEntry[]> {
    const command = this.connections.command;
    const scored = await this.guard('listWaiting', () => command.zrange(keys.due, 0, count - 1, 'WITHSCORES'));
    const ids = scored.filter((_, index) => index % 2 === 0);
    if (ids.length === 0) return [];
    const stored = await this.guard('listWaiting', () => command.hmget(keys.entries, ...ids));
    const waiting: WaitingEntry[] = [];
    ids.forEach((id, index) => {
      const entry = stored[index];
      // moved (or taken back) between the two reads
      if (typeof entry === 'string') waiting.push({ id, dueMs: Number(scored[2 * index + 1]), fields: fieldsOf(entry) });
    });
    return waiting;
  }

  async summary(keys: ScheduledKeys): Promise<WaitingSummary> {
    const command = this.connections.command;
    const [count, first] = await this.guard('describe', () => Promise.all([command.zcard(keys.due), command.zrange(keys.due, 0, 0, 'WITHSCORES')]));
    return { count, nextDueMs: first[1] === undefined ? undefined : Number(first[1]) };
  }

  private script(operation: string, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    return guardedScript(this.connections, operation, script, keys, args);
  }

  private guard<R>(operation: string, work: () => Promise<R>): Promise<R> {
    return guarded(this.connections, operation, work);
  }
}

/** The JSON a scheduled entry is stored as (see {@link STORED_ENTRY}). */
function storedEntry(entry: ScheduledEntry): string {
  const stored: Record<string, unknown> = { [STORED_ENTRY.fields]: Object.entries(entry.fields).flat() };
  if (entry.idempotency) {
    stored[STORED_ENTRY.record] = entry.idempotency.recordKey;
    stored[STORED_ENTRY.windowMs] = Math.ceil(entry.idempotency.windowMs);
  }
  return JSON.stringify(stored);
}

/** The fields of a stored entry. */
function fieldsOf(stored: string): EntryFields {
  const list = (JSON.parse(stored) as Record<string, unknown>)[STORED_ENTRY.fields] as string[];
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < list.length; index += 2) fields[list[index] as string] = list[index + 1] as string;
  return fields;
}
