import type { Cluster } from 'ioredis';
import { createEventService, type EventService } from '../../src';
import { startRedisCluster, type RedisCluster } from '../support/redisCluster';
import type { ConformanceBackend } from './backend';
import { redisCapabilities } from './redisCapabilities';
import { uniqueName } from './helpers';
import { streamProbes } from './streamProbes';

/** A private Redis Cluster (3 masters) per spec file, a random key prefix per test; services connect with `{ cluster: startupNodes }`. */
export function redisClusterBackend(): ConformanceBackend {
  let cluster: RedisCluster | undefined;
  let admin: Cluster | undefined;
  let services: EventService[] = [];
  const connection = () => {
    if (!cluster || !admin) throw new Error('redis cluster backend not started');
    return { cluster, admin };
  };
  /** Runs `command` on every master and sums the numbers it returns. */
  const onEveryMaster = async (command: (node: ReturnType<Cluster['nodes']>[number]) => Promise<number>) => {
    const results = await Promise.all(connection().admin.nodes('master').map(command));
    return results.reduce((sum, value) => sum + value, 0);
  };
  return {
    name: 'redis cluster',
    features: { commandStats: true, capabilities: redisCapabilities() },
    start: async () => {
      cluster = await startRedisCluster({ masters: 3 });
      admin = cluster.client();
      await admin.ping();
    },
    stop: async () => {
      admin?.disconnect();
      await cluster?.stop();
    },
    context: () => {
      const { cluster: current, admin: probe } = connection();
      const prefix = `${uniqueName('test')}:`;
      return {
        createService: (options) => {
          const service = createEventService({ closeTimeoutMs: 300, ...options, redis: { cluster: current.startupNodes }, prefix });
          services.push(service);
          return service;
        },
        ...streamProbes(probe, prefix),
        // a subscription lives on the one node its connection picked: sum over the masters
        subscriptionCount: (channel) => onEveryMaster(async (node) => Number(((await node.pubsub('NUMSUB', prefix + channel)) as [string, number])[1])),
        commandCount: (command) =>
          onEveryMaster(async (node) => {
            const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await node.info('commandstats'));
            return match ? Number(match[1]) : 0;
          }),
      };
    },
    cleanup: async () => {
      await Promise.all(services.map((service) => service.close()));
      services = [];
    },
  };
}
