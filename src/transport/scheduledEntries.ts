import type { Observable } from 'rxjs';
import type { EntryFields } from '../codec/entryFields';
import type { ScheduledKeys } from '../partitions/streamLayout';

export type { ScheduledKeys } from '../partitions/streamLayout';

/** When scheduled entries are due: a moment (ms since the epoch), or a delay from the store's clock now. */
export type ScheduledDue = { readonly atMs: number } | { readonly delayMs: number };

/** One entry to append later, with its schedule id and, for a keyed event, its idempotency record. */
export interface ScheduledEntry {
  /** The schedule id (unique in the partition; ids of one call sort in call order). */
  readonly id: string;
  readonly fields: EntryFields;
  /** The idempotency record (in the partition's slot) and its window: appended only if the record is absent, as at produce. */
  readonly idempotency?: { readonly recordKey: string; readonly windowMs: number };
}

/** What storing scheduled entries answered. */
export interface ScheduleResult {
  /** When they are due by the store's clock, in ms since the epoch. */
  readonly dueMs: number;
  /** Whether they are due before every entry that was waiting in the partition (then a wake was appended to its wake stream). */
  readonly earliest: boolean;
}

/** What one move of due entries did. */
export interface MoveResult {
  /** How many due entries were appended (or found already appended by their idempotency record) and removed. */
  readonly moved: number;
  /** In how many ms (by the store's clock) the next waiting entry is due, `undefined` when none waits. */
  readonly nextInMs: number | undefined;
}

/** One waiting entry, as listed. */
export interface WaitingEntry {
  readonly id: string;
  readonly dueMs: number;
  readonly fields: EntryFields;
}

/** How many entries wait in a partition, and when the first is due. */
export interface WaitingSummary {
  readonly count: number;
  readonly nextDueMs: number | undefined;
}

/**
 * Entries stored to be appended to a partition later (`schedule`): kept beside the partition (on
 * Redis in its cluster slot) and moved to it in batches, atomically, by the store's clock. What the
 * mover waits for is a cold Observable (memory answers on subscription, so it runs in virtual time).
 */
export interface ScheduledEntries {
  /**
   * **Cold**: stores the entries, all due at `due` (by the store's clock); when they come before every
   * entry waiting, appends a wake to `keys.wake` in the same step, which the consumers read.
   */
  schedule(keys: ScheduledKeys, due: ScheduledDue, entries: readonly ScheduledEntry[]): Observable<ScheduleResult>;
  /** Appends a wake to `keys.wake` (a mover that stops while entries wait hands their timer over). */
  wake(keys: ScheduledKeys): Promise<void>;
  /** Removes a waiting entry; resolves whether it was still waiting. */
  unschedule(keys: ScheduledKeys, id: string): Promise<boolean>;
  /**
   * **Cold**: appends up to `limit` entries due by the store's clock now to the stream, oldest due first,
   * and removes them, atomically: each is appended once, whoever moves, and never before its time.
   */
  moveDue(keys: ScheduledKeys, limit: number): Observable<MoveResult>;
  /** Up to `count` waiting entries, the first due first. */
  listWaiting(keys: ScheduledKeys, count: number): Promise<WaitingEntry[]>;
  /** How many entries wait, and when the first is due. */
  summary(keys: ScheduledKeys): Promise<WaitingSummary>;
}
