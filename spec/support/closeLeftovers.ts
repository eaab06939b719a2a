/**
 * Jest `setupFilesAfterEnv`: whatever a spec file opened and did not close (because an assertion failed
 * before its `close()`, or a hook threw) is closed once the file's own hooks have run, so that a failing
 * spec ends the run instead of keeping Jest alive on reconnecting clients and the timers of open services.
 *
 * It records every service made with `createEventService` and every ioredis client and cluster that
 * connects while the file runs. After the file, each service still open gets `close()` for at most
 * {@link SERVICE_CLOSE_MS} of real time (its server may already be stopped, its scheduler may be
 * virtual), then every client still open is disconnected. A spec that passes has closed all of them itself.
 */
import { Cluster, Redis } from 'ioredis';
import * as serviceFactory from '../../src/service/createEventService';
import type { EventService } from '../../src/service/EventService';

/** Real time a leftover service may take to close before its clients are disconnected under it. */
const SERVICE_CLOSE_MS = 3000;

const services = new Set<EventService>();
const clients = new Set<Redis | Cluster>();

const create = serviceFactory.createEventService;
Object.assign(serviceFactory, {
  createEventService: (options: Parameters<typeof create>[0]) => {
    const service = create(options);
    services.add(service);
    return service;
  },
});

for (const Client of [Redis, Cluster]) {
  const connect = Client.prototype.connect as (this: Redis | Cluster, ...args: unknown[]) => Promise<void>;
  Client.prototype.connect = function (this: Redis | Cluster, ...args: unknown[]) {
    clients.add(this);
    return connect.apply(this, args);
  };
}

function closed(service: EventService): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, SERVICE_CLOSE_MS);
    service.close().then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}

afterAll(async () => {
  await Promise.all([...services].map(closed));
  services.clear();
  for (const client of clients) if (client.status !== 'end') client.disconnect();
  clients.clear();
});
