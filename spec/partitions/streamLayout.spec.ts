import calculateSlot from 'cluster-key-slot';
import { eventStream } from '../../src';
import { partitionTags } from '../../src/partitions/partitionTags';
import { deadLetterKeyOf, idempotencyKeyOf, partitionKeys, producerKeyOf } from '../../src/partitions/streamLayout';

describe('partitions', () => {
  it('layout - one partition keeps the plain key; N partitions are hash-tagged keys; each dead-letter key is in its stream key slot', () => {
    expect(partitionKeys('app:', eventStream('jobs'))).toEqual(['app:jobs']);
    expect(partitionKeys('app:', eventStream('jobs', { partitions: 3 }))).toEqual(partitionTags(3).map((tag) => `app:jobs:{${tag}}`));
    expect(deadLetterKeyOf('app:jobs')).toBe('app:jobs:{app:jobs}:dlq');
    expect(deadLetterKeyOf('app:jobs:{p1-3}')).toBe('app:jobs:{p1-3}:dlq');
    for (const key of ['app:jobs', ...partitionKeys('app:', eventStream('jobs', { partitions: 16 }))]) {
      expect(calculateSlot(deadLetterKeyOf(key))).toBe(calculateSlot(key));
    }
  });

  it('layout - producer memories and idempotency records are in their partition\'s slot, under the prefix', () => {
    for (const key of ['shop:orders', 'shop:orders:{p3-1}']) {
      for (const side of [producerKeyOf(key, '0123456789abcdef'), idempotencyKeyOf(key, 'order {7}'), idempotencyKeyOf(key, 'billing orders 0 1-0 1')]) {
        expect(side.startsWith(`${key}:`)).toBe(true);
        expect(calculateSlot(side)).toBe(calculateSlot(key));
      }
    }
    expect(producerKeyOf('shop:orders', 'ab')).toBe('shop:orders:{shop:orders}:producer:ab');
    expect(idempotencyKeyOf('shop:orders:{p3-1}', 'o-1')).toBe('shop:orders:{p3-1}:idem:o-1');
  });
});
