import type { EventStream } from '../definitions/eventStream';
import { idTime } from '../internal/streamId';
import type { StreamSnapshot } from '../transport/StreamSnapshot';
import type { StreamTransport } from '../transport/StreamTransport';
import type { GroupDescription, StreamDescription } from './StreamDescription';

/** Most dead letters read to count them per group. */
export const DEAD_LETTER_COUNT_LIMIT = 10_000;

/** Where the stream lives and what clock ages are measured on. */
export interface DescribeTarget {
  readonly key: string;
  readonly deadLetterKey: string;
  /** The service's clock, in ms since the epoch. */
  readonly now: () => number;
}

/** Describes one stream through the transport: its snapshot, plus dead letters counted per group and ages of the oldest pending entries. */
export async function describeStream(transport: StreamTransport, stream: EventStream<unknown>, target: DescribeTarget): Promise<StreamDescription> {
  const snapshot = await transport.describe(target.key, target.deadLetterKey);
  const perGroup = await deadLettersPerGroup(transport, target.deadLetterKey, snapshot.deadLetters);
  const now = target.now();
  const groups = snapshot.groups.map(
    (group): GroupDescription => ({
      name: group.name,
      consumers: group.consumers.map((consumer) => ({ ...consumer })),
      pending: group.pending,
      lag: group.lag,
      lastDeliveredId: group.lastDeliveredId,
      oldestPendingId: group.oldestPendingId,
      oldestPendingAgeMs: group.oldestPendingId === undefined ? undefined : Math.max(0, now - idTime(group.oldestPendingId).getTime()),
      deadLetters: perGroup ? (perGroup.get(group.name) ?? 0) : undefined,
    }),
  );
  const partition = { key: target.key, length: snapshot.length, firstId: snapshot.firstId, lastId: snapshot.lastId, groups };
  return { stream: stream.name, length: snapshot.length, firstId: snapshot.firstId, lastId: snapshot.lastId, retention: stream.retention, deadLetters: snapshot.deadLetters, groups, partitions: [partition] };
}

/** Dead letters per group name, or `undefined` when there are too many to read. */
async function deadLettersPerGroup(transport: StreamTransport, deadLetterKey: string, total: StreamSnapshot['deadLetters']): Promise<Map<string, number> | undefined> {
  const counts = new Map<string, number>();
  if (total === 0) return counts;
  if (total > DEAD_LETTER_COUNT_LIMIT) return undefined;
  for (const letter of await transport.readDeadLetters(deadLetterKey, DEAD_LETTER_COUNT_LIMIT)) {
    const group = letter.fields.group ?? '';
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return counts;
}
