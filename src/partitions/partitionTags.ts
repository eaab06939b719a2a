import calculateSlot from 'cluster-key-slot';

/** Hash slots of Redis Cluster. */
export const SLOT_COUNT = 16384;

const cache = new Map<number, readonly string[]>();

/**
 * The hash tags of the `count` partitions of a stream: partition `i` gets `p<i>-<k>` with the smallest
 * `k` whose slot lies in the `i`-th of `count` equal shares of the slot space, so the partitions
 * spread evenly over a cluster's masters (which own contiguous slot ranges). The same for every
 * stream and every run.
 */
export function partitionTags(count: number): readonly string[] {
  let tags = cache.get(count);
  if (!tags) {
    tags = Array.from({ length: count }, (_, index) => partitionTag(index, count));
    cache.set(count, tags);
  }
  return tags;
}

/** The hash tag of partition `index` of `count` (see {@link partitionTags}). */
export function partitionTag(index: number, count: number): string {
  for (let k = 0; ; k++) {
    const tag = `p${index}-${k}`;
    if (inShare(calculateSlot(tag), index, count)) return tag;
  }
}

/** Whether `slot` lies in the `index`-th of `count` equal shares of the slot space. */
export function inShare(slot: number, index: number, count: number): boolean {
  return slot >= Math.floor((index * SLOT_COUNT) / count) && slot < Math.floor(((index + 1) * SLOT_COUNT) / count);
}
