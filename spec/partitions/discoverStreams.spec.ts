import { streamsOfKeys } from '../../src/partitions/discoverStreams';
import { eventStream } from '../../src';
import { partitionTags } from '../../src/partitions/partitionTags';
import { deadLetterKeyOf, partitionKeys } from '../../src/partitions/streamLayout';

const found = (prefix: string, keys: readonly string[]) => streamsOfKeys(prefix, keys).map(({ stream, keys: streamKeys, deadLetterKeys }) => ({ name: stream.name, partitions: stream.partitions, keys: streamKeys, deadLetterKeys }));

describe('streamsOfKeys', () => {
  it('streamsOfKeys - partitions and dead-letter streams fold into their stream, read with the layout', () => {
    const payments = partitionKeys('shop:', eventStream('payments', { partitions: 20 }));
    const orders = partitionKeys('shop:', eventStream('orders'));
    const keys = [...payments, deadLetterKeyOf(payments[3] as string), ...orders, deadLetterKeyOf(orders[0] as string)];
    expect(found('shop:', keys)).toEqual([
      { name: 'orders', partitions: 1, keys: ['shop:orders'], deadLetterKeys: ['shop:orders:{shop:orders}:dlq'] },
      { name: 'payments', partitions: 20, keys: [...payments].sort(), deadLetterKeys: [`shop:payments:{${partitionTags(20)[3]}}:dlq`] },
    ]);
  });

  it('streamsOfKeys - a partitioned stream is known by any of its keys: the smallest count whose tags hold the tags found', () => {
    const keys = partitionKeys('', eventStream('jobs', { partitions: 7 }));
    expect(found('', [keys[6] as string])).toEqual([{ name: 'jobs', partitions: 7, keys: [keys[6]], deadLetterKeys: [] }]);
    expect(found('', [deadLetterKeyOf(keys[2] as string), deadLetterKeyOf(keys[6] as string)])).toEqual([{ name: 'jobs', partitions: 7, keys: [], deadLetterKeys: [deadLetterKeyOf(keys[2] as string), deadLetterKeyOf(keys[6] as string)].sort() }]);
  });

  it('streamsOfKeys - a stream named like a partition tag is one partition; a prefix with braces; keys that are not ours are left out', () => {
    expect(found('', ['p0-0', 'p0-0:{p0-0}:dlq'])).toEqual([{ name: 'p0-0', partitions: 1, keys: ['p0-0'], deadLetterKeys: ['p0-0:{p0-0}:dlq'] }]);
    const braced = partitionKeys('{app}:', eventStream('orders'));
    expect(found('{app}:', [...braced, deadLetterKeyOf(braced[0] as string)])).toEqual([{ name: 'orders', partitions: 1, keys: ['{app}:orders'], deadLetterKeys: ['{app}:orders:dlq'] }]);
    expect(found('shop:', ['shop:with space', 'shop:x:{p9-99999}', 'other:orders', 'shop:orders:dlq', 'shop:'])).toEqual([]);
  });
});
