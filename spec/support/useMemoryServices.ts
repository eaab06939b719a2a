import { createEventService, type EventService, type EventServiceOptions } from 'rx-redis-events';

/** Creates in-memory services for a test and closes them after it: `const open = useMemoryServices();`. */
export function useMemoryServices(defaults: EventServiceOptions = { group: 'g' }): (options?: Partial<EventServiceOptions>) => EventService {
  const services: EventService[] = [];
  afterEach(() => Promise.all(services.splice(0).map((service) => service.close())));
  return (options = {}) => {
    const service = createEventService({ ...defaults, ...options });
    services.push(service);
    return service;
  };
}
