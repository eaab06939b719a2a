import type { EntryId } from '../consumer/consumeOptions';
import { GroupInUseError } from '../errors/GroupInUseError';
import { GroupNotFoundError } from '../errors/GroupNotFoundError';
import { idBeforeTime, isStreamId } from '../internal/streamId';
import { assertName } from '../internal/validate';
import { deadLetterKeyOf, scheduleWakeKeyOf } from '../partitions/streamLayout';
import type { GroupAdmin, GroupMove, StreamAdmin } from '../transport/StreamTransport';

/** A consumer that read or claimed within this many ms is live: `removeGroup` refuses to remove its group without `force`. */
export const LIVE_CONSUMER_MS = 60_000;

/** Options of `EventService.moveGroup`. */
export interface MoveGroupConfig {
  /**
   * Where the group goes: `'start'` (before the first entry: the whole stream again), `'end'` (after the
   * last entry: only what is produced from now on), a `Date` (the events produced at or after that
   * moment) or an entry id (the events after it).
   */
  readonly to: 'start' | 'end' | Date | EntryId;
  /** The group to move. Default: the service's own group. */
  readonly group?: string;
}

/** Options of `EventService.removeGroup`. */
export interface RemoveGroupConfig {
  /** Remove the group even while some of its consumers are live (read within the last minute). Default false. */
  readonly force?: boolean;
}

/**
 * Where `to` moves a group.
 *
 * @throws TypeError naming the option for anything but 'start', 'end', a valid `Date` or an entry id.
 */
export function groupMoveOf(to: unknown): GroupMove {
  if (to === 'start' || to === 'end') return to;
  if (to instanceof Date && !Number.isNaN(to.getTime())) return { afterId: idBeforeTime(to.getTime()) };
  if (isStreamId(to)) return { afterId: to };
  const shown = to instanceof Date ? 'an invalid Date' : (JSON.stringify(to) ?? String(to));
  throw new TypeError(`rx-redis-events: moveGroup option to must be 'start', 'end', a Date or an entry id such as 1700000000000-0, got ${shown}`);
}

/**
 * Moves `group` to `to` on every partition (`keys`) that has it; pending entries stay pending.
 *
 * @throws GroupNotFoundError when no partition has the group (nothing is created).
 */
export async function moveGroup(groups: GroupAdmin, stream: string, keys: readonly string[], group: string, to: GroupMove): Promise<void> {
  const moved = await Promise.all(keys.map((key) => groups.moveGroup(key, group, to)));
  if (!moved.includes(true)) throw new GroupNotFoundError('moveGroup', stream, group);
}

/**
 * Destroys `group` on every partition (`keys`) and on its wake stream of scheduled events, unless one
 * of its consumers was live within {@link LIVE_CONSUMER_MS} and not `force`. Dead letters are left
 * where they are.
 *
 * @throws GroupNotFoundError when no partition has the group; GroupInUseError naming the live consumers.
 */
export async function removeGroup(admin: StreamAdmin, groups: GroupAdmin, stream: string, keys: readonly string[], group: string, force: boolean): Promise<void> {
  const snapshots = await Promise.all(keys.map((key) => admin.describe(key, deadLetterKeyOf(key))));
  const found = snapshots.flatMap((snapshot) => snapshot.groups.filter((candidate) => candidate.name === group));
  if (found.length === 0) throw new GroupNotFoundError('removeGroup', stream, group);
  const live = new Set(found.flatMap((candidate) => candidate.consumers.filter((consumer) => consumer.idleMs < LIVE_CONSUMER_MS).map((consumer) => consumer.name)));
  if (live.size > 0 && !force) throw new GroupInUseError(stream, group, [...live].sort(), LIVE_CONSUMER_MS);
  await Promise.all([...keys, ...keys.map(scheduleWakeKeyOf)].map((key) => groups.removeGroup(key, group)));
}

/** Validates the arguments of `removeGroup`. */
export function assertRemoveGroup(group: unknown, config: unknown): asserts config is RemoveGroupConfig {
  assertName(group, 'removeGroup group');
  if (typeof config !== 'object' || config === null) throw new TypeError(`rx-redis-events: removeGroup options must be an object, got ${config === null ? 'null' : typeof config}`);
  const { force } = config as RemoveGroupConfig;
  if (force !== undefined && typeof force !== 'boolean') throw new TypeError(`rx-redis-events: removeGroup option force must be a boolean, got ${typeof force}`);
}
