import { createEventService, eventStream, TransportError, type Delivery, type EventService } from '../../src';
import { uniqueName, waitForGroups } from '../conformance/helpers';
import { eventually } from '../support/eventually';
import { useRedisServer } from '../support/useRedisServer';

describe('Retrying - a consumer group that vanished (NOGROUP)', () => {
  const redis = useRedisServer();
  let service: EventService | undefined;
  afterEach(() => service?.close());

  it('recovery - a consumer from new gets its group created again from the stream start, so the events written since are delivered, the failure reported as NOGROUP', async () => {
    const reported: unknown[] = [];
    const prefix = `${uniqueName('nogroup')}:`;
    service = createEventService({ group: 'billing', redis: redis.server.url, prefix, closeTimeoutMs: 300, onError: (error) => reported.push(error) });
    const stream = eventStream<number>(uniqueName('n'));
    const values: number[] = [];
    const subscription = service.consume(stream, { from: 'new', blockMs: 200 }).subscribe((delivery: Delivery<number>) => {
      values.push(delivery.value);
      void delivery.ack();
    });
    try {
      await waitForGroups(service, stream, ['billing']);
      await service.produce(stream, 1, 2);
      await eventually('the first two events', () => values.length === 2);
      await redis.admin.xgroup('DESTROY', `${prefix}${stream.name}`, 'billing');
      await service.produce(stream, 3); // before the loop meets NOGROUP: a group created again at 'new' would skip it
      await eventually('the events again, from the start', () => values.length === 5);
      expect(values).toEqual([1, 2, 1, 2, 3]);
      expect(reported.map((error) => (error instanceof TransportError ? error.code : String(error)))).toContain('NOGROUP');
      expect(reported.every((error) => error instanceof TransportError && error.code === 'NOGROUP')).toBe(true);
    } finally {
      subscription.unsubscribe();
    }
  });
});
