import { DEAD_LETTER_FIELDS } from '../codec/entryFields';
import type { EventStream } from '../definitions/eventStream';
import { compareStreamIds, idTime, parseStreamId } from '../internal/streamId';
import type { StreamSnapshot } from '../transport/StreamSnapshot';
import type { StreamAdmin } from '../transport/StreamTransport';
import type { WaitingSummary } from '../transport/scheduledEntries';
import type { GroupDescription, PartitionDescription, StreamDescription } from './StreamDescription';

/** Most dead letters read to count them per group. */
export const DEAD_LETTER_COUNT_LIMIT = 10_000;

/** One partition to describe: its key and its dead-letter stream's key. */
export interface DescribeTarget {
  readonly key: string;
  readonly deadLetterKey: string;
  /** How many scheduled events wait for the partition and when the first is due (none on a backend that cannot schedule). */
  readonly waiting?: () => Promise<WaitingSummary>;
}

/**
 * Describes a stream through the transport, one snapshot per partition, with dead letters counted per
 * group and ages of the oldest pending entries measured at `now`; the top level sums the partitions.
 */
export async function describeStream(transport: StreamAdmin, stream: EventStream<unknown>, targets: readonly DescribeTarget[], now: () => number): Promise<StreamDescription> {
  const partitions = await Promise.all(targets.map((target) => describePartition(transport, target, now)));
  const ids = partitions.flatMap((p) => [p.firstId, p.lastId]).filter((id): id is string => id !== undefined).sort(byId);
  return {
    stream: stream.name,
    length: sum(partitions.map((p) => p.length)),
    firstId: ids[0],
    lastId: ids[ids.length - 1],
    retention: stream.retention,
    deadLetters: sum(partitions.map((p) => p.deadLetters)),
    groups: mergeGroups(partitions.flatMap((p) => p.groups)),
    scheduled: sum(partitions.map((p) => p.scheduled)),
    nextDueAt: earliest(partitions.map((p) => p.nextDueAt)),
    partitions: partitions.map(({ deadLetters: _deadLetters, ...partition }) => partition),
  };
}

async function describePartition(transport: StreamAdmin, target: DescribeTarget, now: () => number): Promise<PartitionDescription & { deadLetters: number }> {
  const [snapshot, waiting] = await Promise.all([transport.describe(target.key, target.deadLetterKey), target.waiting?.() ?? { count: 0, nextDueMs: undefined }]);
  const perGroup = await deadLettersPerGroup(transport, target.deadLetterKey, snapshot.deadLetters);
  const at = now();
  const groups = snapshot.groups.map(
    (group): GroupDescription => ({
      name: group.name,
      consumers: group.consumers.map((consumer) => ({ ...consumer })),
      pending: group.pending,
      lag: group.lag,
      lastDeliveredId: group.lastDeliveredId,
      oldestPendingId: group.oldestPendingId,
      oldestPendingAgeMs: group.oldestPendingId === undefined ? undefined : Math.max(0, at - idTime(group.oldestPendingId).getTime()),
      deadLetters: perGroup ? (perGroup.get(group.name) ?? 0) : undefined,
    }),
  );
  const nextDueAt = waiting.nextDueMs === undefined ? undefined : new Date(waiting.nextDueMs);
  return { key: target.key, length: snapshot.length, firstId: snapshot.firstId, lastId: snapshot.lastId, groups, scheduled: waiting.count, nextDueAt, deadLetters: snapshot.deadLetters };
}

/** Groups of several partitions summed by name: counts added, the oldest pending and latest delivered ids kept. */
function mergeGroups(groups: readonly GroupDescription[]): GroupDescription[] {
  const merged = new Map<string, GroupDescription>();
  for (const group of groups) {
    const seen = merged.get(group.name);
    if (!seen) {
      merged.set(group.name, group);
      continue;
    }
    const oldest = [seen, group].filter((g) => g.oldestPendingId !== undefined).sort((a, b) => byId(a.oldestPendingId as string, b.oldestPendingId as string))[0];
    merged.set(group.name, {
      name: group.name,
      consumers: [...seen.consumers, ...group.consumers],
      pending: seen.pending + group.pending,
      lag: seen.lag === undefined || group.lag === undefined ? undefined : seen.lag + group.lag,
      lastDeliveredId: byId(seen.lastDeliveredId, group.lastDeliveredId) >= 0 ? seen.lastDeliveredId : group.lastDeliveredId,
      oldestPendingId: oldest?.oldestPendingId,
      oldestPendingAgeMs: oldest?.oldestPendingAgeMs,
      deadLetters: seen.deadLetters === undefined || group.deadLetters === undefined ? undefined : seen.deadLetters + group.deadLetters,
    });
  }
  return [...merged.values()];
}

function byId(a: string, b: string): number {
  return compareStreamIds(parseStreamId(a) ?? { ms: 0, seq: 0 }, parseStreamId(b) ?? { ms: 0, seq: 0 });
}

function earliest(dates: readonly (Date | undefined)[]): Date | undefined {
  return dates.reduce<Date | undefined>((first, date) => (date !== undefined && (first === undefined || date < first) ? date : first), undefined);
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Dead letters per group name, or `undefined` when there are too many to read. */
async function deadLettersPerGroup(transport: StreamAdmin, deadLetterKey: string, total: StreamSnapshot['deadLetters']): Promise<Map<string, number> | undefined> {
  const counts = new Map<string, number>();
  if (total === 0) return counts;
  if (total > DEAD_LETTER_COUNT_LIMIT) return undefined;
  for (const letter of await transport.readDeadLetters(deadLetterKey, DEAD_LETTER_COUNT_LIMIT)) {
    const group = letter.fields[DEAD_LETTER_FIELDS.group] ?? '';
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return counts;
}
