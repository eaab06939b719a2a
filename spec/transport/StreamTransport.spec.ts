import Redis from 'ioredis';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { eventStream, MemoryBroker, type Delivery } from '../../src';
import { EventService } from '../../src/service/EventService';
import { eventServiceOptionsWithDefaults } from '../../src/service/eventServiceOptions';
import { MemoryPubSubTransport } from '../../src/transport/memory/MemoryPubSubTransport';
import { MemoryStreamTransport } from '../../src/transport/memory/MemoryStreamTransport';
import { connectRedis } from '../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../src/transport/redis/RedisStreamTransport';
import { requireCapability, type StreamTransport } from '../../src/transport/StreamTransport';
import { declaredCapabilities } from '../conformance/backend';

const Jobs = eventStream<number>('jobs');

/** The memory transport cut down to the core seam: no capability at all, as a backend that redelivers by itself would be. */
function coreOnly(broker: MemoryBroker): StreamTransport {
  const full = new MemoryStreamTransport(broker);
  return {
    capabilities: {},
    ensureGroup: (key, group, start) => full.ensureGroup(key, group, start),
    append: (key, entries, request) => full.append(key, entries, request),
    openReader: (key, group, consumer) => full.openReader(key, group, consumer),
    ack: (group, batches) => full.ack(group, batches),
    claimIds: (key, group, consumer, ids) => full.claimIds(key, group, consumer, ids),
    deadLetter: (key, deadLetterKey, group, id, info) => full.deadLetter(key, deadLetterKey, group, id, info),
    connectionState: () => full.connectionState(),
    ready: () => full.ready(),
    unreachable: () => full.unreachable(),
    serverReport: () => full.serverReport(),
    close: () => full.close(),
  };
}

describe('StreamTransport', () => {
  it('capabilities - memory declares all but replicas and servers, Redis declares all', () => {
    expect(declaredCapabilities(new MemoryStreamTransport(new MemoryBroker()))).toEqual(['admin', 'claims', 'groups', 'hygiene', 'partitionLeases', 'renewal', 'scheduling']);
    const client = new Redis({ lazyConnect: true });
    try {
      expect(declaredCapabilities(new RedisStreamTransport(connectRedis(client)))).toEqual(['admin', 'claims', 'groups', 'hygiene', 'partitionLeases', 'renewal', 'replicas', 'scheduling', 'servers']);
    } finally {
      client.disconnect();
    }
  });

  it('capabilities - requireCapability names the operation and the missing capability', () => {
    const transport = coreOnly(new MemoryBroker());
    expect(() => requireCapability(transport, 'admin', 'describe')).toThrow(new TypeError('rx-redis-events: describe needs a stream backend that can read and trim streams outside a group (capability admin); this one cannot'));
    const memory = new MemoryStreamTransport(new MemoryBroker());
    expect(requireCapability(memory, 'claims', 'claim')).toBe(memory);
  });

  it('core seam - a backend with no capability consumes, acks, redelivers a nack and dead-letters, in virtual time', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let broker: MemoryBroker | undefined;
    testScheduler.run(({ expectObservable }) => {
      broker = new MemoryBroker({ scheduler: testScheduler });
      const options = eventServiceOptionsWithDefaults({ group: 'g', consumer: 'c', scheduler: testScheduler });
      const service = EventService.create(options, { streams: coreOnly(broker), pubsub: new MemoryPubSubTransport(broker) });
      void service.produce(Jobs, 1, 2, 3);
      const seen = service.consume(Jobs, { from: 'start' }).pipe(
        map((delivery: Delivery<number>) => {
          if (delivery.value === 2 && delivery.deliveryCount === 1) void delivery.nack({ delayMs: 100 });
          else if (delivery.value === 3) void delivery.deadLetter('no such job');
          else void delivery.ack();
          return `${delivery.value}#${delivery.deliveryCount}`;
        }),
      );
      expectObservable(seen, '^ 999ms !').toBe('(abc) 95ms d', { a: '1#1', b: '2#1', c: '3#1', d: '2#2' });
    });
    expect(broker?.existingStream('jobs')?.pendingIds('g')).toEqual([]);
    expect(broker?.existingStream('jobs:{jobs}:dlq')?.length).toBe(1);
  });

  it('core seam - what needs a missing capability fails with a TypeError that names it', async () => {
    const broker = new MemoryBroker();
    const service = EventService.create(eventServiceOptionsWithDefaults({ group: 'g', consumer: 'c' }), { streams: coreOnly(broker), pubsub: new MemoryPubSubTransport(broker) });
    await expect(service.describe(Jobs)).rejects.toThrow(new TypeError('rx-redis-events: describe needs a stream backend that can read and trim streams outside a group (capability admin); this one cannot'));
    await expect(service.deadLetters(Jobs)).rejects.toThrow(/deadLetters needs a stream backend .*\(capability admin\)/);
    expect(() => service.consume(Jobs, { ordered: true })).toThrow(new TypeError('rx-redis-events: consume with ordered needs a stream backend that can lease partitions to ordered consumers (capability partitionLeases); this one cannot'));
    await service.close();
  });
});
