import { Observable } from 'rxjs';
import type { MoveResult, ScheduledDue, ScheduledEntries, ScheduledEntry, ScheduledKeys, ScheduleResult, WaitingEntry, WaitingSummary } from '../scheduledEntries';
import { SCHEDULE_WAKES_KEPT } from '../../partitions/streamLayout';
import type { MemoryBroker } from './MemoryBroker';
import { answerNow } from './memoryTransportError';

/** One waiting entry of the in-memory broker. */
interface Waiting {
  readonly dueMs: number;
  readonly entry: ScheduledEntry;
}

/**
 * {@link ScheduledEntries} on a {@link MemoryBroker}, by the broker's clock (virtual time under
 * `TestScheduler.run`): what Redis keeps in a partition's due set and entries hash, a map per partition
 * key. Every operation takes effect when it is sent (an Observable's on subscription).
 */
export class MemoryScheduledEntries implements ScheduledEntries {
  constructor(private readonly broker: MemoryBroker) {}

  schedule(keys: ScheduledKeys, due: ScheduledDue, entries: readonly ScheduledEntry[]): Observable<ScheduleResult> {
    return answerNow('schedule', () => {
      const waiting = this.waitingOf(keys);
      const dueMs = 'atMs' in due ? Math.floor(due.atMs) : this.broker.now() + Math.ceil(due.delayMs);
      const first = firstDue(waiting);
      for (const entry of entries) waiting.set(entry.id, { dueMs, entry });
      const earliest = first === undefined || dueMs < first;
      if (earliest) this.appendWake(keys.wake);
      return { dueMs, earliest };
    });
  }

  unschedule(keys: ScheduledKeys, id: string): Promise<boolean> {
    return Promise.resolve(this.broker.scheduled.get(keys.due)?.delete(id) ?? false);
  }

  moveDue(keys: ScheduledKeys, limit: number): Observable<MoveResult> {
    return answerNow('moveDue', () => {
      const waiting = this.waitingOf(keys);
      const now = this.broker.now();
      const due = sorted(waiting).filter(([, { dueMs }]) => dueMs <= now).slice(0, limit);
      if (due.length > 0) {
        const stream = this.broker.stream(keys.stream);
        const { records } = this.broker;
        for (const [id, { entry }] of due) {
          waiting.delete(id);
          const idempotency = entry.idempotency;
          if (idempotency && records.get(idempotency.recordKey, now) !== undefined) continue;
          const appended = stream.append(entry.fields, now);
          if (idempotency) records.set(idempotency.recordKey, appended, idempotency.windowMs, now);
        }
        stream.serveWaiters(now);
      }
      const next = firstDue(waiting);
      return { moved: due.length, nextInMs: next === undefined ? undefined : Math.max(0, next - now) };
    });
  }

  listWaiting(keys: ScheduledKeys, count: number): Promise<WaitingEntry[]> {
    const waiting = sorted(this.existing(keys) ?? new Map<string, Waiting>()).slice(0, count);
    return Promise.resolve(waiting.map(([id, { dueMs, entry }]) => ({ id, dueMs, fields: entry.fields })));
  }

  summary(keys: ScheduledKeys): Promise<WaitingSummary> {
    const waiting = this.existing(keys);
    return Promise.resolve({ count: waiting?.size ?? 0, nextDueMs: waiting && firstDue(waiting) });
  }

  wake(keys: ScheduledKeys): Promise<void> {
    this.appendWake(keys.wake);
    return Promise.resolve();
  }

  /** Appends a wake to the partition's wake stream, keeping its last {@link SCHEDULE_WAKES_KEPT}, as Redis does. */
  private appendWake(key: string): void {
    const now = this.broker.now();
    const stream = this.broker.stream(key);
    stream.append({ w: '1' }, now);
    stream.trim({ maxLength: SCHEDULE_WAKES_KEPT, unsafe: true });
    stream.serveWaiters(now);
  }

  private waitingOf(keys: ScheduledKeys): Map<string, Waiting> {
    let waiting = this.existing(keys);
    if (!waiting) this.broker.scheduled.set(keys.due, (waiting = new Map<string, Waiting>()));
    return waiting;
  }

  private existing(keys: ScheduledKeys): Map<string, Waiting> | undefined {
    return this.broker.scheduled.get(keys.due) as Map<string, Waiting> | undefined;
  }
}

/** Waiting entries as Redis orders its sorted set: by due time, then by schedule id. */
function sorted(waiting: ReadonlyMap<string, Waiting>): [string, Waiting][] {
  return [...waiting].sort(([a, x], [b, y]) => x.dueMs - y.dueMs || (a < b ? -1 : a > b ? 1 : 0));
}

function firstDue(waiting: ReadonlyMap<string, Waiting>): number | undefined {
  let first: number | undefined;
  for (const { dueMs } of waiting.values()) if (first === undefined || dueMs < first) first = dueMs;
  return first;
}
