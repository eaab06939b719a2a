import { once } from 'node:events';
import { Redis } from 'ioredis';
import { connectRedis } from '../../../src/transport/redis/connect';
import { RedisPubSubTransport } from '../../../src/transport/redis/RedisPubSubTransport';
import { uniqueName } from '../../conformance/helpers';
import { useRedisCluster } from '../../support/useRedisCluster';
import { useRedisServer } from '../../support/useRedisServer';
import { eventually } from '../../support/eventually';

const ROUNDS = 20;
const LABELS = ['a', 'b', 'c', 'd'];

/**
 * Once the command connection is ready, subscribes to each channel a turn of the event loop (or a millisecond)
 * after the one before, while the new subscriber connection connects, so that some subscribes fall between
 * connected and ready; then publishes one message per channel. Answers the failed subscribes and what each
 * channel's listener received. The channels are new each round: on a cluster, a message published in an
 * earlier round may still be on its way over the cluster bus to the node the new connection subscribes on.
 */
async function subscribeWhileConnecting(redis: Parameters<typeof connectRedis>[0], gap: 'immediate' | 'timer') {
  const connections = connectRedis(redis);
  const transport = new RedisPubSubTransport(connections);
  const channels = new Map(LABELS.map((label) => [label, uniqueName(label)]));
  const received = new Map<string, string[]>(LABELS.map((label) => [label, []]));
  const failures: string[] = [];
  try {
    if (connections.command.status !== 'ready') await once(connections.command, 'ready');
    const subscribed: Promise<void>[] = [];
    for (const [label, channel] of channels) {
      const listener = (payload: string) => received.get(label)!.push(payload);
      subscribed.push(transport.subscribe(channel, listener).catch((error: Error) => void failures.push(`${label}: ${error.message}`)));
      await new Promise((next) => (gap === 'immediate' ? setImmediate(next) : setTimeout(next, 1)));
    }
    await Promise.all(subscribed);
    if (failures.length === 0) {
      for (const [label, channel] of channels) await transport.publish(channel, `to ${label}`);
      await eventually('one message per channel', () => [...received.values()].every((payloads) => payloads.length === 1));
    }
    return { failures, received: Object.fromEntries(received) };
  } finally {
    await transport.close();
    await connections.close();
  }
}

const expected = { failures: [], received: { a: ['to a'], b: ['to b'], c: ['to c'], d: ['to d'] } };

describe('RedisPubSubTransport - subscribes while the subscriber connection connects (redis/ioredis#2037)', () => {
  const redis = useRedisServer();

  // A client passed in, with ioredis' defaults: its CLIENT SETINFO on connect widens the window the library's own connections narrow.
  it.each(['immediate', 'timer'] as const)(`on one server, through a client passed in, a turn apart (%s): every subscribe answers and its channel receives, in each of ${ROUNDS} rounds`, async (gap) => {
    for (let round = 0; round < ROUNDS; round++) {
      const client = new Redis(redis.server.url);
      try {
        expect(await subscribeWhileConnecting(client, gap)).toEqual(expected);
      } finally {
        client.disconnect();
      }
    }
  });

  it.each(['immediate', 'timer'] as const)(`on one server, a turn apart (%s): every subscribe answers and its channel receives, in each of ${ROUNDS} rounds`, async (gap) => {
    for (let round = 0; round < ROUNDS; round++) {
      expect(await subscribeWhileConnecting(redis.server.url, gap)).toEqual(expected);
    }
  });
});

describe('RedisPubSubTransport - on a cluster, subscribes while its subscriber connection connects', () => {
  const redis = useRedisCluster();

  it.each(['immediate', 'timer'] as const)(`a turn apart (%s): every subscribe answers and its channel receives, in each of ${ROUNDS} rounds`, async (gap) => {
    for (let round = 0; round < ROUNDS; round++) {
      expect(await subscribeWhileConnecting({ cluster: redis.cluster.startupNodes }, gap)).toEqual(expected);
    }
  }, 60_000);
});
