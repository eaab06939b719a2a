import { createEventService, MemoryBroker, type EventService } from '../../src';
import { MemoryStreamTransport } from '../../src/transport/memory/MemoryStreamTransport';
import { declaredCapabilities, type ConformanceBackend } from './backend';

/** The in-memory broker: a fresh broker per test. */
export function memoryBackend(): ConformanceBackend {
  let broker = new MemoryBroker();
  let services: EventService[] = [];
  return {
    name: 'memory',
    features: { commandStats: false, capabilities: declaredCapabilities(new MemoryStreamTransport(broker)) },
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    context: () => {
      broker = new MemoryBroker();
      return {
        createService: (options) => {
          const service = createEventService({ closeTimeoutMs: 300, ...options, broker });
          services.push(service);
          return service;
        },
        pendingCount: (stream, group) => Promise.resolve(broker.existingStream(stream)?.pendingIds(group).length ?? 0),
        appendRaw: (stream, fields) => {
          const target = broker.stream(stream);
          const id = target.append(fields, broker.now());
          target.serveWaiters(broker.now());
          return Promise.resolve(id);
        },
        streamLength: (stream) => Promise.resolve(broker.existingStream(stream)?.length ?? 0),
        subscriptionCount: (channel) => Promise.resolve(broker.subscriberCount(channel)),
        commandCount: () => Promise.reject(new Error('the memory backend has no command stats')),
      };
    },
    cleanup: async () => {
      await Promise.all(services.map((service) => service.close()));
      services = [];
    },
  };
}
