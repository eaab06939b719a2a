import { idempotencyKeyOf } from '../partitions/streamLayout';
import type { AppendProducer, AppendRequest } from '../transport/StreamTransport';
import type { GivenKeys } from './idempotencyKeys';

/**
 * The request of one append to the partition `key`: the producer, and with idempotency keys the
 * record of each entry (`positions`: the places of the entries in the call, when it was split over partitions).
 */
export function appendRequest(producer: AppendProducer, key: string, idempotency: GivenKeys | undefined, positions?: readonly number[]): AppendRequest {
  if (!idempotency) return { producer };
  const keys = positions ? positions.map((position) => idempotency.keys[position] as string) : idempotency.keys;
  return { producer, idempotency: { recordKeys: keys.map((record) => idempotencyKeyOf(key, record)), windowMs: idempotency.windowMs } };
}
