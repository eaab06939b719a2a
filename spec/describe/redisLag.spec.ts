import { createEventService, eventStream, type EventService } from '../../src';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { eventually } from '../support/eventually';

describe('describe (redis): lag Redis does not know', () => {
  const redis = useRedisServer();
  let service: EventService | undefined;
  afterEach(() => service?.close());

  it('describe - after an XDEL in the unread part XINFO GROUPS gives no lag: the entries after the last delivered one are counted', async () => {
    const prefix = `${uniqueName('lag')}:`;
    const numbers = eventStream<number>('numbers');
    service = createEventService({ group: 'A', redis: redis.server.url, prefix, closeTimeoutMs: 10 });
    const ids = await service.produce(numbers, 1, 2, 3, 4, 5);
    const seen: number[] = [];
    service.consume(numbers, { from: 'start', maxInFlight: 1 }).subscribe((d) => seen.push(d.value));
    await eventually('one delivery', () => seen.length === 1);
    await redis.admin.xdel(prefix + 'numbers', ids[3] as string);
    const [group] = (await redis.admin.xinfo('GROUPS', prefix + 'numbers')) as unknown[][];
    expect(group?.[group.indexOf('lag') + 1]).toBeNull();
    const description = await service.describe(numbers);
    expect(description.groups.map(({ name, lag, pending }) => ({ name, lag, pending }))).toEqual([{ name: 'A', lag: 3, pending: 1 }]);
    expect(description.length).toBe(4);
  });
});
