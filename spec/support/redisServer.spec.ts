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

  it('persistent: restart() keeps every acknowledged write, on the same port and dir, with a new pid', async () => {
    const server = await startRedisServer({ persistent: true });
    servers.push(server);
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    await client.xadd('s', '*', 'v', '1');
    await client.quit();

    const { port, dir, pid } = server;
    await server.restart({ downMs: 50 });
    expect([server.port, server.dir, server.running]).toEqual([port, dir, true]);
    expect(server.pid).not.toBe(pid);
    await server.kill('SIGKILL');
    expect(server.running).toBe(false);
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    await server.restart(); // already down: just starts

    const again = new Redis(server.url, { maxRetriesPerRequest: 0 });
    expect(await again.xlen('s')).toBe(1);
    await again.quit();
    await server.stop();
    await expect(server.restart()).rejects.toThrow('after stop()');
    expect(existsSync(dir)).toBe(false);
  });

  it('without persistence a restart starts empty; kill(SIGSTOP) freezes the server until SIGCONT', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.connect();
    await client.set('k', '1');
    await client.quit();
    await server.restart();

    const again = new Redis(server.url, { maxRetriesPerRequest: 1, commandTimeout: 300 });
    expect(await again.exists('k')).toBe(0);
    await server.kill('SIGSTOP');
    await expect(again.ping()).rejects.toThrow('timed out');
    await server.kill('SIGCONT');
    expect(await again.ping()).toBe('PONG');
    await again.quit();
    await server.stop();
  });
});
