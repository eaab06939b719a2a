import calculateSlot from 'cluster-key-slot';
import { eventStream, MAX_PARTITIONS, type EventStream } from '../definitions/eventStream';
import { inShare, partitionTag } from './partitionTags';
import { DEAD_LETTER_SUFFIX, deadLetterKeyOf, partitionKeys } from './streamLayout';

/** A stream found from its Redis keys: a definition with its partition count, and which of its keys exist. */
export interface DiscoveredStream {
  /** The stream's definition: its name and the partition count whose keys were found (1 without partition keys). */
  readonly stream: EventStream<unknown>;
  /** The keys of its partitions that exist, sorted. */
  readonly keys: readonly string[];
  /** The keys of its dead-letter streams that exist, sorted. */
  readonly deadLetterKeys: readonly string[];
}

/** A partition's hash tag as {@link partitionTags} makes it (`p<index>-<k>`), at the end of a partition key. */
const PARTITION_KEY = /^(.*):\{(p(\d+)-\d+)\}$/;

/**
 * The event streams whose keys are among `keys` (stream keys under `prefix`, as `SCAN … TYPE stream`
 * finds them), read with the layout of {@link partitionKeys} and {@link deadLetterKeyOf}: partitions
 * and dead-letter streams are folded into their stream, which gets the smallest partition count whose
 * keys include every partition key found. Keys that no event stream can have (a name with a space or
 * braces, a partition tag of no count) are left out. Sorted by name.
 */
export function streamsOfKeys(prefix: string, keys: Iterable<string>): DiscoveredStream[] {
  const found = new Map<string, { tags: Set<string>; keys: string[]; deadLetterKeys: string[] }>();
  const entry = (name: string) => found.get(name) ?? found.set(name, { tags: new Set(), keys: [], deadLetterKeys: [] }).get(name)!;
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const source = sourceOfDeadLetterKey(key);
    const rest = (source ?? key).slice(prefix.length);
    if (source !== undefined && !source.startsWith(prefix)) continue;
    const partition = PARTITION_KEY.exec(rest);
    const name = partition ? (partition[1] as string) : rest;
    const stream = entry(name);
    if (partition) stream.tags.add(partition[2] as string);
    (source === undefined ? stream.keys : stream.deadLetterKeys).push(key);
  }
  const streams: DiscoveredStream[] = [];
  for (const [name, { tags, keys: streamKeys, deadLetterKeys }] of found) {
    const stream = definition(name, tags);
    if (!stream) continue;
    const layout = new Set(partitionKeys(prefix, stream));
    const ours = streamKeys.filter((key) => layout.has(key)).sort();
    const deadLetters = new Set([...layout].map(deadLetterKeyOf));
    const ourDeadLetters = deadLetterKeys.filter((key) => deadLetters.has(key)).sort();
    if (ours.length + ourDeadLetters.length > 0) streams.push({ stream, keys: ours, deadLetterKeys: ourDeadLetters });
  }
  return streams.sort((a, b) => (a.stream.name < b.stream.name ? -1 : a.stream.name > b.stream.name ? 1 : 0));
}

/** The stream key whose dead-letter stream `key` is ({@link deadLetterKeyOf} read backwards), or undefined. */
function sourceOfDeadLetterKey(key: string): string | undefined {
  if (!key.endsWith(DEAD_LETTER_SUFFIX)) return undefined;
  const rest = key.slice(0, -DEAD_LETTER_SUFFIX.length);
  const tagged = /^(.*):\{(.*)\}$/.exec(rest);
  const candidates = tagged && tagged[1] === tagged[2] ? [tagged[1] as string, rest] : [rest];
  return candidates.find((candidate) => deadLetterKeyOf(candidate) === key);
}

/** The definition of a stream with these partition tags, or undefined when no event stream can have them. */
function definition(name: string, tags: ReadonlySet<string>): EventStream<unknown> | undefined {
  const partitions = partitionCount(tags);
  if (partitions === undefined) return undefined;
  try {
    return eventStream<unknown>(name, { partitions });
  } catch {
    return undefined; // a key under the prefix that no event stream can have (such as a name with a space): not ours
  }
}

/**
 * The smallest partition count whose tags include every tag found (1 without tags); undefined when
 * none does. A count is tried only where each tag's slot lies in its partition's share of the slots,
 * so that a stray key costs no more than a real one.
 */
function partitionCount(found: ReadonlySet<string>): number | undefined {
  if (found.size === 0) return 1;
  const tags = [...found].map((tag) => ({ tag, index: Number(/^p(\d+)-/.exec(tag)?.[1]), slot: calculateSlot(tag) }));
  const highest = Math.max(...tags.map(({ index }) => index));
  for (let count = Math.max(2, highest + 1); count <= MAX_PARTITIONS; count++) {
    if (tags.every(({ slot, index }) => inShare(slot, index, count)) && tags.every(({ tag, index }) => partitionTag(index, count) === tag)) return count;
  }
  return undefined;
}
