import calculateSlot from 'cluster-key-slot';
import { partitionTags, SLOT_COUNT } from '../../src/partitions/partitionTags';

describe('partitions', () => {
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
});
