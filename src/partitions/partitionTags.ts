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
    tags = Array.from({ length: count }, (_, index) => tagFor(index, count));
    cache.set(count, tags);
  }
  return tags;
}

function tagFor(index: number, count: number): string {
  const from = Math.floor((index * SLOT_COUNT) / count);
  const to = Math.floor(((index + 1) * SLOT_COUNT) / count);
  for (let k = 0; ; k++) {
    const tag = `p${index}-${k}`;
    const slot = calculateSlot(tag);
    if (slot >= from && slot < to) return tag;
  }
}
