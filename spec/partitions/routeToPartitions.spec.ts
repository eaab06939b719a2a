import { partitionOf } from '../../src/partitions/partitionOf';
import { idsInCallOrder, routeToPartitions } from '../../src/partitions/routeToPartitions';

describe('partitions', () => {
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
});
