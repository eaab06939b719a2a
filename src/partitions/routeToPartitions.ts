import { KEY_FIELD, type EntryFields } from '../codec/entryFields';
import { partitionOf } from './partitionOf';

/** The entries of one produce call that go to one partition, with their places in the call. */
export interface PartitionBatch {
  readonly key: string;
  readonly entries: EntryFields[];
  readonly positions: number[];
}

/**
 * Splits encoded entries over a stream's partition keys: by their partition key (`k` field), else by
 * their idempotency key when `idempotencyKeys` are given, else round robin (from `next`, which is
 * advanced). Keeps the order of the call inside
 * each partition; returns only the partitions the call touches.
 */
export function routeToPartitions(keys: readonly string[], entries: readonly EntryFields[], roundRobin: { next: number }, idempotencyKeys?: readonly string[]): PartitionBatch[] {
  const batches = new Map<number, PartitionBatch>();
  entries.forEach((fields, position) => {
    const key = fields[KEY_FIELD] ?? idempotencyKeys?.[position];
    const partition = key === undefined ? roundRobin.next++ % keys.length : partitionOf(key, keys.length);
    let batch = batches.get(partition);
    if (!batch) batches.set(partition, (batch = { key: keys[partition] as string, entries: [], positions: [] }));
    batch.entries.push(fields);
    batch.positions.push(position);
  });
  return [...batches.values()];
}

/** Puts the ids each partition returned back into the order of the call. */
export function idsInCallOrder(batches: readonly PartitionBatch[], idsPerBatch: readonly (readonly string[])[], count: number): string[] {
  const ids = new Array<string>(count);
  batches.forEach((batch, index) => batch.positions.forEach((position, offset) => (ids[position] = idsPerBatch[index]?.[offset] as string)));
  return ids;
}
