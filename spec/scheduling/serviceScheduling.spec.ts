import { createEventService, eventStream, MemoryBroker } from '../../src';
import { EventService } from '../../src/service/EventService';
import { eventServiceOptionsWithDefaults } from '../../src/service/eventServiceOptions';
import { MemoryPubSubTransport } from '../../src/transport/memory/MemoryPubSubTransport';
import { MemoryStreamTransport } from '../../src/transport/memory/MemoryStreamTransport';
import type { StreamTransport } from '../../src/transport/StreamTransport';

const Reminders = eventStream<string>('reminders');

describe('serviceScheduling', () => {
  it('serviceScheduling - a backend without the scheduling capability: schedule, unschedule and scheduled are TypeErrors naming it; consume still runs', async () => {
    const broker = new MemoryBroker();
    // the memory transport with no capability declared
    const streams = Object.create(new MemoryStreamTransport(broker), { capabilities: { value: {} } }) as StreamTransport;
    const service = EventService.create(eventServiceOptionsWithDefaults({ group: 'g', consumer: 'c' }), { streams, pubsub: new MemoryPubSubTransport(broker) });
    const refusal = (method: string) => new TypeError(`rx-redis-events: ${method} needs a stream backend that can store events scheduled for later (capability scheduling); this one cannot`);
    await expect(service.schedule(Reminders, { delayMs: 10 }, 'a')).rejects.toThrow(refusal('schedule'));
    await expect(service.unschedule(Reminders, '0:x')).rejects.toThrow(refusal('unschedule'));
    await expect(service.scheduled(Reminders)).rejects.toThrow(refusal('scheduled'));
    service.consume(Reminders).subscribe().unsubscribe();
    await service.close();
  });

  it('serviceScheduling - arguments: an id that is not a string, a limit below 1, an empty call', async () => {
    const service = createEventService({ group: 'g', broker: new MemoryBroker() });
    await expect(service.unschedule(Reminders, 7 as unknown as string)).rejects.toThrow(new TypeError('rx-redis-events: unschedule needs a schedule id (a string); got number'));
    await expect(service.scheduled(Reminders, { limit: 0 })).rejects.toThrow(new RangeError('rx-redis-events: scheduled option limit must be an integer >= 1, got 0'));
    expect(await service.schedule(Reminders, { delayMs: 10 })).toEqual([]);
    await expect(service.schedule(Reminders, { delayMs: Number.POSITIVE_INFINITY }, 'a')).rejects.toThrow(new RangeError('rx-redis-events: schedule option delayMs must be a finite number of ms, 0 or more; got Infinity'));
    await service.close();
    await expect(service.schedule(Reminders, { delayMs: 10 }, 'a')).rejects.toThrow('schedule() called on the EventService of group "g" after close(); create a new service');
  });
});
