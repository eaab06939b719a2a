import type { ScheduledDue } from '../transport/scheduledEntries';

/** When `schedule` appends its events: at a moment, or after a delay from now (both by the broker's clock). */
export type ScheduleWhen = Date | { readonly delayMs: number };

/**
 * The due time of `when` for the store.
 *
 * @throws TypeError when `when` is neither a valid `Date` nor `{ delayMs }`; RangeError for a delay that is not a finite number ≥ 0.
 */
export function dueOf(when: ScheduleWhen): ScheduledDue {
  if (when instanceof Date) {
    const atMs = when.getTime();
    if (Number.isNaN(atMs)) throw new TypeError('rx-redis-events: schedule needs when as a valid Date; got an invalid Date');
    return { atMs };
  }
  if (typeof when !== 'object' || when === null || !('delayMs' in when)) {
    throw new TypeError(`rx-redis-events: schedule needs when as a Date or { delayMs: number }; got ${when === null ? 'null' : typeof when}`);
  }
  const { delayMs } = when;
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`rx-redis-events: schedule option delayMs must be a finite number of ms, 0 or more; got ${String(delayMs)}`);
  }
  return { delayMs };
}
