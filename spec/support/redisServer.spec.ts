import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import Redis from 'ioredis';
import { startRedisServer, type RedisServer } from './redisServer';

/** Resolves with the socket error code (e.g. 'ECONNREFUSED'), or 'connected'. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('redisServer', () => {
  const servers: RedisServer[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.stop())));

  it('starts a private server, answers PING, stop removes it', async () => {
    servers.push(await startRedisServer(), await startRedisServer());
    const [a, b] = servers as [RedisServer, RedisServer];
    expect(a.port).not.toBe(b.port);
    expect(a.dir).not.toBe(b.dir);

    for (const server of servers) {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(existsSync(server.dir)).toBe(true);
      const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await client.connect();
        expect(await client.ping()).toBe('PONG');
        expect(await client.config('GET', 'save')).toEqual(['save', '']);
        expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      } finally {
        await client.quit();
      }
    }

    await Promise.all(servers.map((server) => server.stop()));
    await a.stop(); // a second stop is a no-op
    for (const server of servers) {
      expect(await connectOutcome(server.port)).toBe('ECONNREFUSED');
      expect(existsSync(server.dir)).toBe(false);
    }
  });
});
