import calculateSlot from 'cluster-key-slot';
import { eventStream } from '../../src';
import { fnv1a32, partitionOf } from '../../src/partitions/partitionOf';
import { partitionTags, SLOT_COUNT } from '../../src/partitions/partitionTags';
import { deadLetterKeyOf, idempotencyKeyOf, partitionKeys, producerKeyOf } from '../../src/partitions/streamLayout';
import { idsInCallOrder, routeToPartitions } from '../../src/partitions/routeToPartitions';

/** FNV-1a over bytes, written out for the test. */
function reference(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash >>> 0;
}

describe('partitions', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('fnv1a32(%p) is the published FNV-1a test vector', (text, hash) => {
    expect(fnv1a32(text)).toBe(hash);
  });

  it.each(['job-17', 'é', 'ジョブ', 'smile 😀', 'lone \ud800 surrogate', 'lone \udc00 low', 'ends high \ud83d', ''])('fnv1a32(%p) hashes the UTF-8 bytes TextEncoder gives', (text) => {
    expect(fnv1a32(text)).toBe(reference(new TextEncoder().encode(text)));
  });

  it('partitionOf is fnv1a32(key) mod N, and 0 for one partition', () => {
    expect(partitionOf('job-17', 7)).toBe(fnv1a32('job-17') % 7);
    expect(partitionOf('job-17', 1)).toBe(0);
  });

  it.each([2, 3, 16, 1024])('partitionTags(%i) puts partition i in the i-th equal share of the 16384 slots', (count) => {
    const tags = partitionTags(count);
    expect(tags).toHaveLength(count);
    tags.forEach((tag, index) => {
      const slot = calculateSlot(tag);
      expect(slot).toBeGreaterThanOrEqual(Math.floor((index * SLOT_COUNT) / count));
      expect(slot).toBeLessThan(Math.floor(((index + 1) * SLOT_COUNT) / count));
    });
    expect(partitionTags(count)).toBe(tags);
  });

  it('layout - one partition keeps the plain key; N partitions are hash-tagged keys; each dead-letter key is in its stream key slot', () => {
    expect(partitionKeys('app:', eventStream('jobs'))).toEqual(['app:jobs']);
    expect(partitionKeys('app:', eventStream('jobs', { partitions: 3 }))).toEqual(partitionTags(3).map((tag) => `app:jobs:{${tag}}`));
    expect(deadLetterKeyOf('app:jobs')).toBe('app:jobs:{app:jobs}:dlq');
    expect(deadLetterKeyOf('app:jobs:{p1-3}')).toBe('app:jobs:{p1-3}:dlq');
    for (const key of ['app:jobs', ...partitionKeys('app:', eventStream('jobs', { partitions: 16 }))]) {
      expect(calculateSlot(deadLetterKeyOf(key))).toBe(calculateSlot(key));
    }
  });

  it('routing - splits a call by partition, keeps the call order inside each, and gives the ids back in call order', () => {
    const keys = ['s:{a}', 's:{b}', 's:{c}'];
    const entries: Record<string, string>[] = ['x', 'y', 'x', undefined, undefined, 'y', undefined].map((key, n) => (key === undefined ? { v: String(n) } : { v: String(n), k: key }) as Record<string, string>);
    const roundRobin = { next: 5 };
    const batches = routeToPartitions(keys, entries, roundRobin);
    const where = (n: number) => batches.find((batch) => batch.positions.includes(n))?.key;
    expect([where(0), where(2)]).toEqual([keys[partitionOf('x', 3)], keys[partitionOf('x', 3)]]);
    expect([where(1), where(5)]).toEqual([keys[partitionOf('y', 3)], keys[partitionOf('y', 3)]]);
    expect([where(3), where(4), where(6)]).toEqual([keys[2], keys[0], keys[1]]); // round robin from 5
    expect(roundRobin.next).toBe(8);
    for (const batch of batches) expect(batch.positions).toEqual([...batch.positions].sort((a, b) => a - b));
    const ids = idsInCallOrder(batches, batches.map((batch) => batch.positions.map((position) => `id-${position}`)), entries.length);
    expect(ids).toEqual(entries.map((_, n) => `id-${n}`));
  });

  it('routing - an entry without a partition key goes by its idempotency key when there is one (a repeat meets the first), never round robin', () => {
    const keys = ['s:{a}', 's:{b}', 's:{c}', 's:{d}'];
    const entries: Record<string, string>[] = [{ v: '0', k: 'x' }, { v: '1' }, { v: '2' }, { v: '3' }];
    const idempotencyKeys = ['i-0', 'order-7', 'order-9', 'order-7'];
    const roundRobin = { next: 0 };
    const batches = routeToPartitions(keys, entries, roundRobin, idempotencyKeys);
    const where = (n: number) => batches.find((batch) => batch.positions.includes(n))?.key;
    expect(where(0)).toBe(keys[partitionOf('x', 4)]);
    expect([where(1), where(2), where(3)]).toEqual([keys[partitionOf('order-7', 4)], keys[partitionOf('order-9', 4)], keys[partitionOf('order-7', 4)]]);
    expect(roundRobin.next).toBe(0);
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
