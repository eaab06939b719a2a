import type { Redis } from 'ioredis';
import { DEAD_LETTER_SUFFIX } from '../deadLetters/deadLetterFields';
import { eventStream, type EventStream } from '../definitions/eventStream';
import { partitionTags } from '../partitions/partitionTags';
import { scanStreams, streamNameOf } from '../cli/commands/streams';

/** Most partitions a stream can have (`eventStream` refuses more). */
const MAX_PARTITIONS = 1024;

/**
 * The event streams under `prefix`, found as the `streams` command finds them (`SCAN … TYPE stream`,
 * dead-letter keys and partitions folded into their stream), as definitions `describe` can take:
 * a partitioned stream gets the partition count whose hash tags are the ones found.
 */
export async function discoverStreams(redis: Redis, prefix: string): Promise<EventStream<unknown>[]> {
  const tags = new Map<string, Set<string>>();
  for (const key of await scanStreams(redis, prefix)) {
    const rest = key.slice(prefix.length);
    const deadLetters = rest.endsWith(DEAD_LETTER_SUFFIX);
    const name = streamNameOf(deadLetters ? rest.slice(0, -DEAD_LETTER_SUFFIX.length) : rest);
    const found = tags.get(name) ?? tags.set(name, new Set()).get(name)!;
    const tag = /:\{(p\d+-\d+)\}$/.exec(deadLetters ? rest.slice(0, -DEAD_LETTER_SUFFIX.length) : rest)?.[1];
    if (tag !== undefined) found.add(tag);
  }
  const streams: EventStream<unknown>[] = [];
  for (const [name, found] of [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      streams.push(eventStream<unknown>(name, { partitions: partitionCount(found) }));
    } catch {
      // a key under the prefix that no event stream can have (such as a name with a space): not ours
    }
  }
  return streams;
}

/** The smallest partition count whose tags include every tag found (1 without tags). */
function partitionCount(found: ReadonlySet<string>): number {
  if (found.size === 0) return 1;
  const highest = Math.max(...[...found].map((tag) => Number(/^p(\d+)-/.exec(tag)?.[1] ?? 0)));
  for (let count = Math.max(2, highest + 1); count <= MAX_PARTITIONS; count++) {
    const tags = new Set(partitionTags(count));
    if ([...found].every((tag) => tags.has(tag))) return count;
  }
  return 1;
}
