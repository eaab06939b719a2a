import type { RedisConnections } from '../../../src/transport/redis/connect';
import { serverAddressOf } from '../../../src/transport/redis/serverAddress';

/** Connections of a single server with these ioredis options, or of a cluster whose slot map gives `node` for every key. */
const single = (options: { host?: string; port?: number; path?: string }) => ({ cluster: false, command: { options } }) as unknown as RedisConnections;
const cluster = (node: string) => ({ cluster: true, nodeOf: () => node }) as unknown as RedisConnections;

describe('serverAddressOf - server.address and server.port of the spans', () => {
  it('serverAddressOf - a single server: its host and port, or its Unix socket path without port', () => {
    expect(serverAddressOf(single({ host: '10.0.0.5', port: 6380 }), 'orders')).toEqual({ address: '10.0.0.5', port: 6380 });
    expect(serverAddressOf(single({ host: 'localhost', port: 6379, path: '/run/redis.sock' }), 'orders')).toEqual({ address: '/run/redis.sock' });
  });

  it('serverAddressOf - a cluster: the master serving the key, unknown before the slot map is known', () => {
    expect(serverAddressOf(cluster('10.0.0.7:7002'), 'orders')).toEqual({ address: '10.0.0.7', port: 7002 });
    expect(serverAddressOf(cluster('unknown'), 'orders')).toBeUndefined();
  });
});
