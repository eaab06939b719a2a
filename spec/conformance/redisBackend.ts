import Redis from 'ioredis';
import { createEventService, type EventService } from '../../src';
import { startRedisServer, type RedisServer } from '../support/redisServer';
import type { ConformanceBackend } from './backend';
import { uniqueName } from './helpers';

/** A private redis-server per spec file, a random key prefix per test. */
export function redisBackend(): ConformanceBackend {
  let server: RedisServer | undefined;
  let admin: Redis | undefined;
  let services: EventService[] = [];
  const connection = () => {
    if (!server || !admin) throw new Error('redis backend not started');
    return { server, admin };
  };
  return {
    name: 'redis',
    features: { commandStats: true },
    start: async () => {
      server = await startRedisServer();
      admin = new Redis(server.url);
    },
    stop: async () => {
      await admin?.quit();
      await server?.stop();
    },
    context: () => {
      const { server: current, admin: probe } = connection();
      const prefix = `${uniqueName('test')}:`;
      return {
        createService: (options) => {
          const service = createEventService({ closeTimeoutMs: 300, ...options, redis: current.url, prefix });
          services.push(service);
          return service;
        },
        pendingCount: async (stream, group) => {
          const summary = (await probe.xpending(prefix + stream, group)) as [number, ...unknown[]];
          return summary[0];
        },
        appendRaw: async (stream, fields) => (await probe.xadd(prefix + stream, '*', ...Object.entries(fields).flat())) as string,
        streamLength: (stream) => probe.xlen(prefix + stream),
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
    },
  };
}
