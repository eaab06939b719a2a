import Redis from 'ioredis';
import { createEventService, type EventService, type RedisClientLike } from '../../src';
import { createAclUser, type AclUser } from '../support/acl';
import { startRedisServer, type RedisServer } from '../support/redisServer';
import type { ConformanceBackend } from './backend';
import { redisCapabilities } from './redisCapabilities';
import { uniqueName } from './helpers';
import { streamProbes } from './streamProbes';

/** Options of {@link redisBackend}. */
export interface RedisBackendOptions {
  /**
   * Services log in as this ACL user (in their URL), created at start with the least-privilege
   * `ACL SETUSER` for its prefix; each test's prefix starts with it. Probes stay on the default user.
   */
  readonly user?: AclUser;
  /**
   * Makes the client each service is given (instead of the URL), such as one of ioredis 6; the
   * backend closes it after the test (the service leaves a client passed in open).
   */
  readonly client?: { readonly name: string; open(url: string): RedisClientLike & { quit(): Promise<unknown> } };
}

/** A private redis-server per spec file, a random key prefix per test. */
export function redisBackend({ user, client }: RedisBackendOptions = {}): ConformanceBackend {
  let server: RedisServer | undefined;
  let admin: Redis | undefined;
  let serviceUrl = '';
  let services: EventService[] = [];
  let clients: { quit(): Promise<unknown> }[] = [];
  const connection = () => {
    if (!server || !admin) throw new Error('redis backend not started');
    return { server, admin };
  };
  return {
    name: `redis${user ? ` as ACL user ${user.user}` : ''}${client ? ` with ${client.name} passed in` : ''}`,
    features: { commandStats: true, capabilities: redisCapabilities() },
    start: async () => {
      server = await startRedisServer();
      admin = new Redis(server.url);
      serviceUrl = user ? await createAclUser(admin, user, server.url) : server.url;
    },
    stop: async () => {
      // A refused command the library swallows (such as CLIENT UNBLOCK) would only slow it down: none may be refused.
      const refused = user && admin ? ((await admin.call('ACL', 'LOG')) as unknown[]) : [];
      await admin?.quit();
      await server?.stop();
      if (refused.length > 0) throw new Error(`the ACL user was refused commands: ${JSON.stringify(refused)}`);
    },
    context: () => {
      const { server: running, admin: probe } = connection();
      const prefix = `${user?.prefix ?? ''}${uniqueName('test')}:`;
      return {
        server: { address: running.host, port: running.port },
        createService: (options) => {
          const given = client?.open(serviceUrl);
          if (given) clients.push(given);
          const service = createEventService({ closeTimeoutMs: 300, ...options, redis: given ?? serviceUrl, prefix });
          services.push(service);
          return service;
        },
        ...streamProbes(probe, prefix),
        subscriptionCount: async (channel) => {
          const reply = (await probe.pubsub('NUMSUB', prefix + channel)) as [string, number];
          return Number(reply[1]);
        },
        commandCount: async (command) => {
          const info = await probe.info('commandstats');
          const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info);
          return match ? Number(match[1]) : 0;
        },
      };
    },
    cleanup: async () => {
      await Promise.all(services.map((service) => service.close()));
      services = [];
      await Promise.all(clients.map((given) => given.quit()));
      clients = [];
    },
  };
}
